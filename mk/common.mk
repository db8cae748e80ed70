# Shared build settings for every C tool of the project.
# Included by the per-directory Makefiles; TOPDIR is set by the includer.

.DEFAULT_GOAL := all
PROJECT    := klpkit
VERSION    := 0.1.0
CC         ?= gcc
AR         ?= ar
CFLAGS     ?= -O2 -g
CFLAGS     += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE \
              -DPROJECT_VERSION='"$(VERSION)"' -I$(TOPDIR)/libkelf
LIBKELF_LDLIBS := -lelf -lz -lopcodes -lbfd

ifeq ($(SANITIZE),1)
CFLAGS     += -fsanitize=address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=all
LDFLAGS    += -fsanitize=address,undefined
endif

LIBKELF    := $(TOPDIR)/libkelf/libkelf.a

# Rebuild everything when the sanitizer setting changes.
FLAGS_STAMP := $(TOPDIR)/mk/.flags-$(if $(filter 1,$(SANITIZE)),san,plain)
$(FLAGS_STAMP):
	@rm -f $(TOPDIR)/mk/.flags-*
	@touch $@

%.o: %.c $(FLAGS_STAMP)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<
