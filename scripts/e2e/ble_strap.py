#!/usr/bin/python3
"""An emulated Bluetooth heart-rate chest strap on a dbusmock BlueZ (bluez5 template).

Adds adapter hci0, device ADDRESS with a Heart Rate service (0x180D) and its Heart Rate
Measurement characteristic (0x2A37), waits until a client calls StartNotify, then sends
real Heart Rate Measurement packets (flags 0x16: 8-bit HR, contact supported+detected, RR
intervals) whose RR intervals carry respiratory sinus arrhythmia at a known breathing
rate: HR(t) = HR0 + A sin(2 pi t rate/60). Packets are sent SPEED times faster than real
time (the receiver's clock is the RR sum, so the truth is unchanged).

  ble_strap.py ADDRESS --rate 9 --hr 62 --rsa 6 --seconds 140 --speed 4 [--pause-at S --pause-for P]

Needs DBUS_SYSTEM_BUS_ADDRESS and a running `python3 -m dbusmock --system -t bluez5`.
--pause-at/--pause-for: disconnect the strap at data time S and come back P wall seconds
later (fault injection)."""
import argparse, math, random, sys, time
import dbus

ap = argparse.ArgumentParser()
ap.add_argument('address')
ap.add_argument('--rate', type=float, default=9.0)
ap.add_argument('--hr', type=float, default=62.0)
ap.add_argument('--rsa', type=float, default=6.0)
ap.add_argument('--seconds', type=float, default=140.0)
ap.add_argument('--speed', type=float, default=4.0)
ap.add_argument('--seed', type=int, default=7)
ap.add_argument('--pause-at', type=float, default=-1.0)
ap.add_argument('--pause-for', type=float, default=0.0)
a = ap.parse_args()

bus = dbus.SystemBus()
def mock(path, iface='org.freedesktop.DBus.Mock'):
    return dbus.Interface(bus.get_object('org.bluez', path), iface)

bluez = mock('/', 'org.bluez.Mock')
bluez.AddAdapter('hci0', 'respira-test')
dev_path = bluez.AddDevice('hci0', a.address, 'HRM-Strap')
svc_path = dev_path + '/service000c'
chr_path = svc_path + '/char000d'
uuid = lambda short: f'0000{short}-0000-1000-8000-00805f9b34fb'
svc_props = {
    'UUID': dbus.String(uuid('180d'), variant_level=1),
    'Device': dbus.ObjectPath(dev_path, variant_level=1),
    'Primary': dbus.Boolean(True, variant_level=1),
}
chr_props = {
    'UUID': dbus.String(uuid('2a37'), variant_level=1),
    'Service': dbus.ObjectPath(svc_path, variant_level=1),
    'Value': dbus.Array([], signature='y', variant_level=1),
    'Notifying': dbus.Boolean(False, variant_level=1),
    'Flags': dbus.Array(['notify'], signature='s', variant_level=1),
}
root = mock('/')
root.AddObject(svc_path, 'org.bluez.GattService1', svc_props, [])
root.AddObject(chr_path, 'org.bluez.GattCharacteristic1', chr_props,
               [('StartNotify', '', '', ''), ('StopNotify', '', '', '')])
for path, iface, props in ((svc_path, 'org.bluez.GattService1', svc_props),
                           (chr_path, 'org.bluez.GattCharacteristic1', chr_props)):
    root.EmitSignal('org.freedesktop.DBus.ObjectManager', 'InterfacesAdded', 'oa{sa{sv}}',
                    [dbus.ObjectPath(path), {iface: props}])
print('strap: ready', flush=True)

chr_mock = mock(chr_path)
deadline = time.monotonic() + 30
while not chr_mock.GetMethodCalls('StartNotify'):
    if time.monotonic() > deadline:
        sys.exit('strap: nobody subscribed within 30 s')
    time.sleep(0.05)
print('strap: subscribed', flush=True)

rng = random.Random(a.seed)
sent_rr = []  # (data time, rr seconds) as quantised in the packets
t = 0.0
t0 = time.monotonic()
paused = False
while t < a.seconds:
    hr = a.hr + a.rsa * math.sin(2 * math.pi * t * a.rate / 60.0)
    rr = 60.0 / hr + rng.gauss(0.0, 0.004)
    rr_1024 = int(round(rr * 1024))
    t += rr_1024 / 1024.0
    sent_rr.append((t, rr_1024 / 1024.0))
    if a.pause_at >= 0 and not paused and t >= a.pause_at:
        paused = True
        chr_mock.ClearCalls()
        mock(dev_path, 'org.bluez.Device1').Disconnect()
        time.sleep(a.pause_for)
        deadline = time.monotonic() + 30
        while not chr_mock.GetMethodCalls('StartNotify'):
            if time.monotonic() > deadline:
                sys.exit('strap: nobody resubscribed within 30 s')
            time.sleep(0.05)
        print('strap: resubscribed', flush=True)
        t0 = time.monotonic() - t / a.speed
    delay = t0 + t / a.speed - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    packet = [0x16, int(round(hr)) & 0xFF, rr_1024 & 0xFF, rr_1024 >> 8]
    chr_mock.UpdateProperties('org.bluez.GattCharacteristic1',
                              {'Value': dbus.Array(packet, signature='y', variant_level=1)})
last = [rr for (bt, rr) in sent_rr if bt >= t - 60.0]
rmssd = math.sqrt(sum((1000 * (y - x)) ** 2 for x, y in zip(last, last[1:])) / (len(last) - 1))
print(f'strap: sent {t:.1f} s of beats; truth over the last 60 s: rmssd_ms {rmssd:.1f} '
      f'mean_hr {60 * len(last) / sum(last):.1f}', flush=True)
