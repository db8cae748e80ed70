# klpkit: binary-diff livepatch builder for Linux.
#   make                 build every tool in place
#   make SANITIZE=1      same, with ASan + UBSan
#   make check           unit + integration tests, representative set (the
#                        README's test command, what CI runs)
#   make check-full      every test: all integration patches, more self-diff
#                        directories, the long stress run
#   make unit            unit tests only
#   make integration     kpatch-build + qemu tests against Debian's 6.1 kernel
#                        (and 31-debian-6.12.t: Debian's 6.12 kernel)
#   make lint            shellcheck on every bash script
#   make fuzz FUZZ_SECONDS=N  every libFuzzer harness (test/fuzz) N seconds
#   make deps            install the Debian packages everything needs
#   make install PREFIX=/usr/local DESTDIR=...
#   make demo            build a sample livepatch and show it working in a VM
#                        (KSERIES=6.12: on Debian's 6.12 kernel)

TOPDIR     := $(CURDIR)
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/libexec/klpkit
DATADIR    ?= $(PREFIX)/share/klpkit
MANDIR     ?= $(PREFIX)/share/man
UNITDIR    ?= $(PREFIX)/lib/systemd/system
COMPDIR    ?= $(PREFIX)/share/bash-completion/completions

CSUBDIRS   := libkelf create-diff-object klp-convert kpatch
SUBMAKE     = $(MAKE) --no-print-directory -C

.PHONY: all $(CSUBDIRS) clean check check-full unit integration lint deps install demo bench fuzz

all: $(CSUBDIRS)

libkelf:
	@$(SUBMAKE) libkelf
create-diff-object klp-convert kpatch: libkelf
	@$(SUBMAKE) $@

deps:
	@scripts/install-deps

TESTBUILD = $(MAKE) --no-print-directory SANITIZE=$(CHECK_SANITIZE) all && \
	    $(SUBMAKE) test/unit SANITIZE=$(CHECK_SANITIZE) all
CHECK_SANITIZE ?= 1

unit: deps
	@$(TESTBUILD)
	@scripts/run-tests unit

integration: deps
	@$(TESTBUILD)
	@scripts/run-tests integration

# The README's test command (and .ci/run): sanitizer build + every suite.
check: deps
	@$(TESTBUILD)
	@scripts/run-tests all

check-full: deps
	@$(TESTBUILD)
	@scripts/run-tests full

lint:
	@shellcheck -x -e SC1091 $$(scripts/list-shell-scripts)

# libFuzzer harnesses (test/fuzz/README.md): replay the committed crash
# inputs, then fuzz each harness FUZZ_SECONDS seconds.
FUZZ_SECONDS ?= 60
fuzz: deps all
	@test/fuzz/run --seconds $(FUZZ_SECONDS)

bench: all
	@scripts/bench-elf

# KSERIES=6.12: the demo on Debian's 6.12 kernel (default: the stock 6.1)
demo: deps all
	@kpatch-build/kpatch-demo $(KSERIES)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(DATADIR)/patch $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(COMPDIR)
	install -m 755 kpatch-build/kpatch-build $(DESTDIR)$(BINDIR)/kpatch-build
	install -m 755 kpatch/kpatch $(DESTDIR)$(SBINDIR)/kpatch
	install -m 755 create-diff-object/create-diff-object klp-convert/klp-convert \
		$(DESTDIR)$(LIBEXECDIR)/
	install -m 755 kpatch-build/kernel-cache kpatch-build/provider-tree kpatch-build/includers \
		kpatch-build/fix-lines kpatch-build/objmap kpatch-build/vm-run kpatch-build/kbuild-record \
		$(DESTDIR)$(LIBEXECDIR)/
	install -d $(DESTDIR)$(LIBEXECDIR)/lib $(DESTDIR)$(LIBEXECDIR)/nm-shim
	install -m 755 kpatch-build/nm-shim/nm $(DESTDIR)$(LIBEXECDIR)/nm-shim/
	install -m 644 kpatch-build/lib/*.sh $(DESTDIR)$(LIBEXECDIR)/lib/
	install -m 644 kpatch-build/objmap.mk kpatch-build/struct-sizes.c $(DESTDIR)$(LIBEXECDIR)/
	cp -r kmod/patch/. $(DESTDIR)$(DATADIR)/patch/
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	sed 's|@SBINDIR@|$(SBINDIR)|g' contrib/kpatch.service > $(DESTDIR)$(UNITDIR)/kpatch.service
	install -m 644 contrib/kpatch.bash-completion $(DESTDIR)$(COMPDIR)/kpatch

clean:
	@for d in $(CSUBDIRS) test/unit test/fuzz; do $(SUBMAKE) $$d clean; done
	@rm -f mk/.flags-*
