# Print how kbuild links the objects of one directory, from the directory's
# own Makefile/Kbuild evaluated with the target's configuration:
#   m MODULE.o  MEMBER.o...     a module (a single-object one has no members)
#   y OBJECT.o  MEMBER.o...     built into vmlinux (composite or not)
#   l OBJECT.o                  in lib.a: linked only when something uses it
#   d SUBDIR/                   a subdirectory kbuild descends into
# Usage: make -s -C TREE -f objmap.mk dir=fs/ext4
srctree := .
src := $(dir)
obj := $(dir)
include include/config/auto.conf
include scripts/Kbuild.include
kbuild-file := $(if $(wildcard $(src)/Kbuild),$(src)/Kbuild,$(src)/Makefile)
include $(kbuild-file)

members = $(strip $($(1:.o=-objs)) $($(1:.o=-y)) $(if $(2),$($(1:.o=-m))))

.PHONY: objmap
objmap:
	@:$(foreach m,$(filter %.o,$(obj-m)),; echo 'm $(m) $(call members,$(m),1)')
	@:$(foreach m,$(filter %.o,$(obj-y)),; echo 'y $(m) $(call members,$(m))')
	@:$(foreach m,$(filter %.o,$(lib-y)),; echo 'l $(m)')
	@:$(foreach d,$(filter %/,$(obj-y) $(obj-m)),; echo 'd $(d)')
