#!/bin/sh
# {{ name }}-admin: `lianxin ARGS` as the units run it: as {{ user }}, with {{ env_file }}, from {{ prefix }}.
# For the town's IT, as root:  {{ name }}-admin migrate | {{ name }}-admin manage createsuperuser | …
# Written by `lianxin manage deploy_files`.
set -eu
set -a
. {{ env_file }}
set +a
export HOME={{ var }} PYTHONUNBUFFERED=1
cd {{ prefix }}
umask 0027
exec setpriv --reuid={{ user }} --regid={{ user }} --init-groups {{ venv }}/bin/lianxin "$@"
