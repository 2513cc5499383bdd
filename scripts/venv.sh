# shellcheck shell=bash
# scripts/venv.sh -- the project's virtualenv. Source it, then call ensure_venv from the repo root.
#
# ensure_venv [EXTRAS] creates .venv with python3 if it is missing and (re)installs the project with
# EXTRAS (default: test; e.g. test,mariadb) whenever setup.py has changed since the last successful
# install or an extra is asked that the last install did not have (.venv/.smooth-stamp keeps the
# sha256 of setup.py and the extras installed). pip runs with -q, so only warnings and errors show.

ensure_venv() {
  local venv=.venv stamp=.venv/.smooth-stamp extras="${1:-test}" want have have_extras wanted extra
  if [ ! -f setup.py ]; then
    echo "venv: no setup.py in $PWD (run from the repo root)" >&2
    return 1
  fi
  if [ ! -x "$venv/bin/python" ]; then
    echo "venv: creating $venv" >&2
    python3 -m venv --clear "$venv" || return 1
  fi
  want=$(sha256sum setup.py | cut -d' ' -f1)
  have="" have_extras=""
  if [ -f "$stamp" ]; then read -r have have_extras <"$stamp" || true; fi
  wanted="$extras"
  if [ "$want" = "$have" ]; then
    local missing=0
    for extra in ${extras//,/ }; do
      case ",${have_extras:-test}," in *",$extra,"*) ;; *) missing=1 ;; esac
    done
    [ "$missing" -eq 0 ] && return 0
    wanted="${have_extras:-test},$extras"  # keep what is there, add what is asked
  fi
  wanted=$(tr ',' '\n' <<<"$wanted" | awk 'NF && !seen[$0]++' | paste -sd, -)
  echo "venv: installing the project with [$wanted] (new venv, setup.py changed or a new extra)" >&2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -U pip || return 1
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -e ".[$wanted]" || return 1
  echo "$want $wanted" >"$stamp"
}
