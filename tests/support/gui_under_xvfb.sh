# Sourced by the GUI end-to-end tests (after setting SRC and T): the Xvfb command prefix in XVFB,
# and, when the binary was built with ASan, a software rasteriser it can run under.
# Under ASan: full allocation stacks, so leaks inside Mesa (its DRI driver is unloaded at
# exit and shows as "<unknown module>") can be matched by the GL call that reached them.
# llvmpipe's JIT and the slow unwinder deadlock in _Unwind_Find_FDE; softpipe has no JIT.
XVFB=(bash "$SRC/tests/support/xvfb_run.sh")
# (Not `ldd | grep -q`: under pipefail grep's early exit could SIGPIPE ldd and skip this.)
if [[ $(ldd "$RESPIRA" 2>/dev/null) == *libasan* ]]; then
  export GALLIUM_DRIVER=softpipe
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
  { cat "$SRC/tests/support/lsan.supp"; echo "leak:ImGui_ImplOpenGL3_RenderDrawData"; } >"$T/lsan.supp"
  export LSAN_OPTIONS="suppressions=$T/lsan.supp:print_suppressions=0"
  # Leaks left by the driver's own threads have no frame a suppression can name.
  XVFB=(bash "$SRC/tests/support/driver_leaks_only.sh" "${XVFB[@]}")
fi
