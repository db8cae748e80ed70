#!/usr/bin/env bash
# The libkelf API tests (cmocka, TAP output).
cd "$(dirname "$0")" || exit 1
CMOCKA_MESSAGE_OUTPUT=TAP exec ./test-kelf
