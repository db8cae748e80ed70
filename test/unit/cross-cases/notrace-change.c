// A changed function without the arch's ftrace entry (the kernel's notrace:
// no patchable NOPs on aarch64, no _mcount call / __mcount_loc record
// elsewhere) cannot be redirected: refused.
// expect: exit 2
// expect: message has no ftrace hook
#if defined(__aarch64__)
#define notrace __attribute__((patchable_function_entry(0, 0)))
#else
#define notrace __attribute__((no_instrument_function))
#endif
notrace __attribute__((noinline)) int untraced(int x)
{
#ifdef PATCHED
	return x + 2;
#else
	return x + 1;
#endif
}
