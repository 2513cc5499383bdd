# shellcheck shell=bash
# scripts/venv.sh -- the project's virtualenv. Source it, then call ensure_venv from the repo root.
#
# ensure_venv creates .venv with python3 if it is missing and (re)installs the project with its
# test extras whenever setup.py has changed since the last successful install (the sha256 of
# setup.py is kept in .venv/.smooth-stamp). pip runs with -q, so only warnings and errors show.

ensure_venv() {
  local venv=.venv stamp=.venv/.smooth-stamp want have
  if [ ! -f setup.py ]; then
    echo "venv: no setup.py in $PWD (run from the repo root)" >&2
    return 1
  fi
  if [ ! -x "$venv/bin/python" ]; then
    echo "venv: creating $venv" >&2
    python3 -m venv --clear "$venv" || return 1
  fi
  want=$(sha256sum setup.py | cut -d' ' -f1)
  have=$(cat "$stamp" 2>/dev/null || true)
  if [ "$want" = "$have" ]; then
    return 0
  fi
  echo "venv: installing the project and its test extras (new venv or setup.py changed)" >&2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -U pip || return 1
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -e '.[test]' || return 1
  echo "$want" >"$stamp"
}
