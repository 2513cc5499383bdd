# shellcheck shell=bash
# scripts/services.sh -- the external services Smooth's tests need, without systemd or Docker.
#
# Source it; don't execute it. It does not change the caller's shell options.
#
#   source scripts/services.sh
#   svc_install           # apt-get install the Debian packages, only if any is missing
#   trap svc_stop EXIT    # always stop what we started, by PID
#   svc_start             # MariaDB + Redis on loopback, private state; a no-op if already running
#   svc_env               # export SMOOTH_TEST_MARIADB_URL, SMOOTH_TEST_REDIS_URL, ...
#
# Settings (read each time a function runs):
#   SMOOTH_STATE_DIR      default $PWD/.state (gitignored)
#   SMOOTH_MARIADB_PORT   default 33306
#   SMOOTH_REDIS_PORT     default 16379
#
# MariaDB runs as a private instance: its own datadir under the state dir, TCP on 127.0.0.1 only.
# The account smooth/smooth has ALL PRIVILEGES ON *.* because tests create and drop their own
# databases. Never point this at a shared server.

SVC_PACKAGES=(mariadb-server mariadb-client redis-server wkhtmltopdf poppler-utils
              fonts-dejavu-core chromium
              libmariadb-dev pkg-config build-essential)  # to build mysqlclient (the test venv's MariaDB driver)

svc_log() { echo "svc: $*" >&2; }

# Work out every path from the current settings. Called at the top of each public function.
_svc_paths() {
  SVC_STATE_DIR="${SMOOTH_STATE_DIR:-$PWD/.state}"
  case "$SVC_STATE_DIR" in /*) ;; *) SVC_STATE_DIR="$PWD/$SVC_STATE_DIR" ;; esac
  SVC_MARIADB_PORT="${SMOOTH_MARIADB_PORT:-33306}"
  SVC_REDIS_PORT="${SMOOTH_REDIS_PORT:-16379}"
  SVC_MDB_DIR="$SVC_STATE_DIR/mariadb"
  SVC_MDB_PIDFILE="$SVC_MDB_DIR/mariadbd.pid"
  SVC_RDS_DIR="$SVC_STATE_DIR/redis"
  SVC_RDS_PIDFILE="$SVC_RDS_DIR/redis.pid"
  # A unix socket path may be at most 107 bytes, and a checkout can live anywhere, so the socket
  # goes in /tmp under a name derived from the state dir (two checkouts don't collide).
  local tag
  tag=$(printf '%s' "$SVC_STATE_DIR" | sha256sum | cut -c1-12)
  SVC_MDB_SOCKET="/tmp/smooth-mdb-$tag.sock"
}

# True if PID is a live (not zombie) process whose name is $2 (if given).
# kill -0 is not enough: PID 1 on this kind of machine reaps orphans late, and a zombie passes kill -0.
_svc_alive() {
  local pid=$1 name=${2:-} state comm
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ] || return 1
  if [ -n "$name" ]; then
    comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
    [ "$comm" = "$name" ] || return 1
  fi
  return 0
}

_svc_read_pid() { [ -s "$1" ] && tr -dc '0-9' < "$1" || true; }

# ---------------------------------------------------------------------------------------------
svc_install() {
  local missing=() p created_policy=0 rc=0
  for p in "${SVC_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    svc_log "Debian packages present"
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    svc_log "missing Debian packages (${missing[*]}); run as root or: apt-get install ${missing[*]}"
    return 1
  fi
  svc_log "installing Debian packages: ${missing[*]}"
  # Without a policy-rc.d denying starts, the postinst scripts would start the system-wide
  # MariaDB (3306) and Redis (6379). We only want our private instances.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# temporary, created by smooth scripts/services.sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  # DPkg::Lock::Timeout: if another apt/dpkg is running, wait for it instead of failing.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 update -qq || rc=$?
  if [ $rc -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
      --no-install-recommends "${SVC_PACKAGES[@]}" >/dev/null || rc=$?
  fi
  if [ $created_policy = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  if [ $rc -ne 0 ]; then svc_log "apt-get failed (exit $rc)"; return "$rc"; fi
  svc_log "Debian packages installed"
}

# ---------------------------------------------------------------------------------------------
svc_start_mariadb() {
  _svc_paths
  local pid osuser i launcher t0
  t0=$(date +%s.%N)
  osuser=$(id -un)
  mkdir -p "$SVC_MDB_DIR" || return 1
  pid=$(_svc_read_pid "$SVC_MDB_PIDFILE")
  if _svc_alive "$pid" mariadbd; then
    svc_log "mariadb already running (pid $pid, port $SVC_MARIADB_PORT)"
    return 0
  fi
  rm -f "$SVC_MDB_PIDFILE"

  if [ ! -d "$SVC_MDB_DIR/data/mysql" ]; then
    rm -rf "$SVC_MDB_DIR/data"
    # --no-defaults must come first on every mariadb* command, or /etc/mysql/my.cnf leaks in.
    # Default root auth is unix_socket: root (the OS user running this) gets in over our socket
    # only; there is no password-less TCP root.
    if ! mariadb-install-db --no-defaults --user="$osuser" --datadir="$SVC_MDB_DIR/data" \
         --skip-test-db --innodb-log-file-size=16M >"$SVC_MDB_DIR/install.log" 2>&1; then
      svc_log "mariadb-install-db failed:"; tail -n 30 "$SVC_MDB_DIR/install.log" >&2
      return 1
    fi
  fi

  # --user is required when running as root. The buffer pool holds a million-row table and its indexes (bench_scale's
  # judged size); the tests' small sites touch a few MB of it.
  mariadbd --no-defaults --user="$osuser" \
    --datadir="$SVC_MDB_DIR/data" --pid-file="$SVC_MDB_PIDFILE" \
    --socket="$SVC_MDB_SOCKET" --port="$SVC_MARIADB_PORT" --bind-address=127.0.0.1 \
    --skip-name-resolve --log-error="$SVC_MDB_DIR/error.log" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-log-file-size=16M --innodb-buffer-pool-size=1G \
    --innodb-flush-log-at-trx-commit=2 --innodb-doublewrite=0 \
    </dev/null >"$SVC_MDB_DIR/stdout.log" 2>&1 &
  launcher=$!

  # Ready = answers on our socket. If the process dies first (port taken, bad datadir, ...), fail
  # at once and show why instead of waiting for the timeout.
  for ((i = 0; i < 300; i++)); do
    if mariadb-admin --no-defaults --socket="$SVC_MDB_SOCKET" -u"$osuser" ping >/dev/null 2>&1; then
      break
    fi
    if ! _svc_alive "$launcher"; then
      svc_log "mariadbd exited during startup; $SVC_MDB_DIR/error.log:"
      tail -n 20 "$SVC_MDB_DIR/error.log" >&2
      rm -f "$SVC_MDB_PIDFILE"
      return 1
    fi
    sleep 0.1
  done
  if [ "$i" -ge 300 ]; then
    svc_log "mariadb not ready after 30 s; $SVC_MDB_DIR/error.log:"
    tail -n 20 "$SVC_MDB_DIR/error.log" >&2
    kill -KILL "$launcher" 2>/dev/null
    return 1
  fi
  # mariadbd writes its pid file itself; make sure it names the process we started.
  [ -s "$SVC_MDB_PIDFILE" ] || echo "$launcher" >"$SVC_MDB_PIDFILE"

  if ! mariadb --no-defaults --socket="$SVC_MDB_SOCKET" -u"$osuser" <<'SQL'
CREATE USER IF NOT EXISTS 'smooth'@'127.0.0.1' IDENTIFIED BY 'smooth';
CREATE USER IF NOT EXISTS 'smooth'@'localhost' IDENTIFIED BY 'smooth';
GRANT ALL PRIVILEGES ON *.* TO 'smooth'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'smooth'@'localhost' WITH GRANT OPTION;
SQL
  then
    svc_log "could not create the smooth account"
    return 1
  fi
  svc_log "mariadb ready (pid $(_svc_read_pid "$SVC_MDB_PIDFILE"), 127.0.0.1:$SVC_MARIADB_PORT," \
    "socket $SVC_MDB_SOCKET) in $(_svc_since "$t0") s"
}

# ---------------------------------------------------------------------------------------------
svc_start_redis() {
  _svc_paths
  local pid i info t0 logoff daemon log="$SVC_RDS_DIR/redis.log"
  t0=$(date +%s.%N)
  mkdir -p "$SVC_RDS_DIR" || return 1
  pid=$(_svc_read_pid "$SVC_RDS_PIDFILE")
  if _svc_alive "$pid" redis-server; then
    svc_log "redis already running (pid $pid, port $SVC_REDIS_PORT)"
    return 0
  fi
  rm -f "$SVC_RDS_PIDFILE"
  logoff=$(stat -c %s "$log" 2>/dev/null || echo 0)
  # With --daemonize yes the launcher exits 0 even if the bind fails (and then no pid file is
  # written). So readiness below checks that whoever answers on the port is the process in OUR
  # pid file, and fails fast when the daemon (its PID prefixes its log lines) has died.
  # Append-only file, fsync every second: a queue Redis must keep the jobs it accepted across a
  # restart (README, "The queue's Redis must persist").
  if ! redis-server --port "$SVC_REDIS_PORT" --bind 127.0.0.1 --daemonize yes \
       --pidfile "$SVC_RDS_PIDFILE" --logfile "$log" --dir "$SVC_RDS_DIR" \
       --save '' --appendonly yes --appendfsync everysec </dev/null; then
    svc_log "redis-server failed to launch; $log:"
    tail -c +"$((logoff + 1))" "$log" 2>/dev/null | tail -n 20 >&2
    return 1
  fi
  for ((i = 0; i < 100; i++)); do
    pid=$(_svc_read_pid "$SVC_RDS_PIDFILE")
    if [ -n "$pid" ]; then
      info=$(redis-cli -h 127.0.0.1 -p "$SVC_REDIS_PORT" info server 2>/dev/null | tr -d '\r') || info=
      case $'\n'"$info"$'\n' in *$'\n'"process_id:$pid"$'\n'*) break ;; esac
    fi
    daemon=${pid:-$(tail -c +"$((logoff + 1))" "$log" 2>/dev/null | sed -n '1s/^\([0-9][0-9]*\):.*/\1/p')}
    if [ -n "$daemon" ] && ! _svc_alive "$daemon"; then
      svc_log "redis-server (pid $daemon) exited during startup; $log:"
      tail -c +"$((logoff + 1))" "$log" | tail -n 20 >&2
      rm -f "$SVC_RDS_PIDFILE"
      return 1
    fi
    sleep 0.1
  done
  if [ "$i" -ge 100 ]; then
    svc_log "redis not ready after 10 s (port $SVC_REDIS_PORT taken by another server?); $log:"
    tail -c +"$((logoff + 1))" "$log" 2>/dev/null | tail -n 20 >&2
    pid=$(_svc_read_pid "$SVC_RDS_PIDFILE")
    if _svc_alive "$pid" redis-server; then kill -TERM "$pid" 2>/dev/null; fi
    rm -f "$SVC_RDS_PIDFILE"
    return 1
  fi
  svc_log "redis ready (pid $pid, 127.0.0.1:$SVC_REDIS_PORT) in $(_svc_since "$t0") s"
}

_svc_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

# ---------------------------------------------------------------------------------------------
# Stop one service by the PID in its pid file: TERM, wait up to 30 s, then KILL.
_svc_stop_one() {  # label pidfile process-name
  local label=$1 pidfile=$2 name=$3 pid i t0
  t0=$(date +%s.%N)
  pid=$(_svc_read_pid "$pidfile")
  if ! _svc_alive "$pid" "$name"; then
    rm -f "$pidfile"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 300; i++)); do
    if ! _svc_alive "$pid"; then
      rm -f "$pidfile"
      svc_log "$label stopped (pid $pid) in $(_svc_since "$t0") s"
      return 0
    fi
    sleep 0.1
  done
  svc_log "$label (pid $pid) still running 30 s after TERM; sending KILL"
  kill -KILL "$pid" 2>/dev/null
  for ((i = 0; i < 50; i++)); do _svc_alive "$pid" || break; sleep 0.1; done
  rm -f "$pidfile"
  return 0
}

svc_start() {
  svc_start_mariadb || return 1
  svc_start_redis || return 1
}

svc_stop() {
  _svc_paths
  _svc_stop_one redis "$SVC_RDS_PIDFILE" redis-server
  _svc_stop_one mariadb "$SVC_MDB_PIDFILE" mariadbd
  return 0
}

svc_env() {
  _svc_paths
  # the driver the project's venv has: mysqlclient (the `mariadb` extra) when it is installed, else PyMySQL
  local driver=pymysql
  if [ -x .venv/bin/python ] && .venv/bin/python -c 'import MySQLdb' 2>/dev/null; then driver=mysqldb; fi
  export SMOOTH_TEST_MARIADB_URL="mariadb+$driver://smooth:smooth@127.0.0.1:$SVC_MARIADB_PORT"
  export SMOOTH_TEST_REDIS_URL="redis://127.0.0.1:$SVC_REDIS_PORT"
  export SMOOTH_WKHTMLTOPDF=/usr/bin/wkhtmltopdf
  export SMOOTH_CHROMIUM=/usr/bin/chromium
  # wkhtmltopdf (Qt) and Chromium want a private runtime dir with mode 0700.
  mkdir -p "$SVC_STATE_DIR/xdg-runtime" && chmod 700 "$SVC_STATE_DIR/xdg-runtime" || return 1
  export XDG_RUNTIME_DIR="$SVC_STATE_DIR/xdg-runtime"
}
