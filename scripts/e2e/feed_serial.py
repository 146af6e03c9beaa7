#!/usr/bin/python3
"""Plays one column of a CSV recording into a serial device (a pty) at its real pace,
as a respiration belt's microcontroller would: one 'T_MS,VALUE' line per sample
(or 'VALUE' lines after a '#rate=HZ' line with --plain).

  feed_serial.py DEVICE CSV --column RESP --rate 125 [--start S | --origin EPOCH] [--seconds N] [--plain]

Python standard library only. T_MS counts from the record's start, so a restarted feeder
keeps the device clock consistent. --origin EPOCH (a `date +%s.%N` taken when the record
started playing) starts at the record time that real time has reached at the first write,
as if the belt had gone on sampling while nobody listened."""
import argparse, csv, os, sys, time

ap = argparse.ArgumentParser()
ap.add_argument('device')
ap.add_argument('csv')
ap.add_argument('--column', default='RESP')
ap.add_argument('--rate', type=float, required=True)
ap.add_argument('--start', type=float, default=0.0)
ap.add_argument('--origin', type=float, default=None)
ap.add_argument('--seconds', type=float, default=60.0)
ap.add_argument('--plain', action='store_true')
a = ap.parse_args()

with open(a.csv, newline='') as f:
    rows = csv.reader(f)
    head = [h.strip() for h in next(rows)]
    col = head.index(a.column)
    values = [float(r[col]) for r in rows if len(r) > col and r[col].strip()]

fd = os.open(a.device, os.O_WRONLY | os.O_NOCTTY)
start = a.start if a.origin is None else time.time() - a.origin
first = int(round(start * a.rate))
last = min(len(values), first + int(round(a.seconds * a.rate)))
if a.plain:
    os.write(fd, f'#rate={a.rate:g}\n'.encode())
t0 = time.monotonic()
i = first
while i < last:
    due = first + int((time.monotonic() - t0) * a.rate) + 1
    lines = []
    while i < min(due, last):
        t_ms = round(i * 1000.0 / a.rate)
        lines.append(f'{values[i]:.5f}' if a.plain else f'{t_ms},{values[i]:.5f}')
        i += 1
    if lines:
        os.write(fd, ('\n'.join(lines) + '\n').encode())
    time.sleep(0.02)
os.close(fd)
