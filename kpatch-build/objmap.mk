# kbuild's descent from the top of a configured tree, as the build does it,
# in one make process: every directory the configuration reaches, and for
# each object what kbuild links it into.  Run by kpatch-build/objmap:
#   make -s -C TREE -f objmap.mk archlines=FILE
# (FILE: the core-/drivers-/libs- assignments of arch/$(SRCARCH)/Makefile,
# which name the architecture's top-level directories).  Output lines:
#   d DIR LINK                  a directory kbuild descends into; LINK is
#                               "y" when its built-in.a reaches vmlinux
#   y DIR OBJ.o LINK MEMBER.o…  obj-y (in vmlinux when LINK is "y")
#   m DIR OBJ.o MEMBER.o…       obj-m: module OBJ (members relative to DIR,
#                               possibly ../x.o or sub/x.o)
#   l DIR OBJ.o                 lib-y: in lib.a, linked only when used
# Only obj-y/obj-m subdirectories are followed (subdir-y builds host tools,
# nothing of the kernel); obj-y objects of a directory reached only through
# obj-m are compiled into a built-in.a that nothing links.
srctree := .
objtree := .
src := .
obj := .
-include .kernelvariables
include include/config/auto.conf
include scripts/Kbuild.include
ARCH ?= x86
SRCARCH ?= $(ARCH)
BITS := $(if $(CONFIG_64BIT),64,32)
export ARCH SRCARCH BITS srctree objtree

core-y :=
drivers-y :=
libs-y := lib/
include $(archlines)
ARCH_CORE := $(core-y)
ARCH_LIB := $(filter %/,$(libs-y))
ARCH_DRIVERS := $(drivers-y) $(drivers-m)

# what a directory's Makefile may define is forgotten before the next one
klpkit-base := $(.VARIABLES) klpkit-base

klpkit-join = $(if $(filter .,$(1)),$(2),$(1)/$(2))
klpkit-file = $(firstword $(wildcard $(1)/Kbuild $(1)/Makefile))
klpkit-members = $(strip $(foreach s,$(2),$($(1:.o=$(s)))))

define klpkit-reset
$(foreach v,$(filter-out $(klpkit-base) klpkit-%,$(.VARIABLES)),$(eval undefine $(v)))
endef

# klpkit-record DIR LINK: print the directory's objects, keep its subdirs
define klpkit-record
obj-m := $(filter-out $(obj-y),$(obj-m))
lib-y := $(filter-out $(obj-y),$(sort $(lib-y) $(lib-m)))
klpkit-y-$(1) := $(patsubst %/,%,$(filter %/,$(obj-y)))
klpkit-m-$(1) := $(filter-out $(patsubst %/,%,$(filter %/,$(obj-y))),$(patsubst %/,%,$(filter %/,$(obj-m))))
$$(info d $(1) $(if $(2),y,n))
$$(foreach o,$$(filter %.o,$$(obj-y)),$$(info y $(1) $$(o) $(if $(2),y,n) $$(call klpkit-members,$$(o),-objs -y)))
$$(foreach o,$$(filter %.o,$$(obj-m)),$$(info m $(1) $$(o) $$(call klpkit-members,$$(o),-objs -y -m)))
$$(foreach o,$$(filter %.o,$$(lib-y)),$$(info l $(1) $$(o)))
endef

# klpkit-descend DIR LINK
define klpkit-descend
$(call klpkit-reset)
$(eval src := $(1))
$(eval obj := $(1))
$(if $(call klpkit-file,$(1)),\
	$(eval include $(call klpkit-file,$(1)))\
	$(eval $(call klpkit-record,$(1),$(2))),\
	$(info x $(1) no Makefile))
$(foreach d,$(klpkit-y-$(1)),$(call klpkit-descend,$(call klpkit-join,$(1),$(d)),$(2)))
$(foreach d,$(klpkit-m-$(1)),$(call klpkit-descend,$(call klpkit-join,$(1),$(d)),))
endef

$(call klpkit-descend,.,y)

.PHONY: objmap
objmap:
	@:
