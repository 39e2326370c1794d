#!/usr/bin/env bash
# pgmux's end-to-end benchmark: a throwaway PostgreSQL, PgBouncer and pgmux with the same pool
# shape, pgbench scenarios run against each (and against PostgreSQL directly) in interleaved
# order, medians and ratios written to OUTDIR/summary.md. See bench/README.md.
#
#   bench/run.sh [--quick] [-o OUTDIR] [-r REPS] [-d SECONDS] [-s "SCENARIOS"] [-t "TARGETS"]
#                [-w SECONDS] [-i IDLE] [--transport T] [--build|--no-build] [--keep] [--keep-logs]
#
# Run it as root on Debian 12 (it installs what is missing with apt-get, and starts PostgreSQL
# and PgBouncer as the postgres user). Every process it starts is stopped when it exits, also
# on Ctrl-C or failure.
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
CMDLINE="bench/run.sh$(printf ' %q' "$@")"

ALL_SCENARIOS="s1 s16 s100 s500 ext100 prep100 tpcb16 tpcb100 conn50 scram50 idle16"
ALL_TARGETS="direct pgbouncer pgmux"

usage() {
    cat <<EOF
usage: bench/run.sh [options]

  --quick              a short smoke run: 1 rep, 5 s runs, 3 s warm-up, 2000 idle clients
                       (options given as well override these)
  -o, --out DIR        results directory, new or without results (default bench/results/<date-time>)
  -r, --reps N         repetitions of every scenario on every target (default 3)
  -d, --duration S     seconds per pgbench run (default 20)
  -s, --scenarios "…"  scenarios to run, in this order (default: all)
                         $ALL_SCENARIOS
  -t, --targets "…"    targets, in the order of rep 1 (default: $ALL_TARGETS)
  -w, --warmup S       unrecorded warm-up per target before rep 1, and per pooler
                       after the restart of an idle scenario (default 10)
  -i, --idle N         idle clients held open in idle<N> scenarios (default 10000)
  --transport T        pgmux transport: auto, io_uring, epoll or nio (default: pgmux's own,
                       auto); also PGMUX_TRANSPORT
  --build              always build pgmux first (./mvnw -q -DskipTests -pl pooler -am package)
  --no-build           never build; use the jar as it is
                       (default: build when the jar is missing or older than the sources)
  --keep               keep the temporary directory (cluster, configs, logs)
  --keep-logs          keep pgbench's per-transaction logs in OUTDIR/raw (large)
  -h, --help           this text

Scenarios (N = active pgbench clients, pool of 20 server connections, transaction pooling):
  s<N>      pgbench -S (select-only), simple protocol
  ext<N>    pgbench -S -M extended
  prep<N>   pgbench -S -M prepared (PgBouncer before 1.21: unsupported)
  tpcb<N>   pgbench's built-in TPC-B-like script, simple protocol
  conn<N>   pgbench -S -C: a new connection per transaction, trust user
  scram<N>  the same as the scram-sha-256 user
  idle<N>   the pooler freshly restarted, then IDLE connections held open while N clients run -S

Environment: JAVA_OPTS (more JVM options for pgmux, after the launcher's defaults), JAVA_HOME,
PGMUX_JAR (another jar: no build), PGMUX_TRANSPORT, PGBIN (PostgreSQL's bin directory),
MVN_ARGS (more Maven arguments for the build, e.g. -o).
EOF
}

# ---------------------------------------------------------------- options
REPS=3 DURATION=20 WARMUP=10 IDLE=10000
for arg in "$@"; do
    if [[ $arg == --quick ]]; then REPS=1 DURATION=5 WARMUP=3 IDLE=2000; fi
done
SCENARIOS=$ALL_SCENARIOS TARGETS=$ALL_TARGETS
OUT="" BUILD=auto KEEP=0 KEEP_LOGS=0
TRANSPORT=${PGMUX_TRANSPORT:-}
SETTLE=2            # seconds between two runs
POOL_SIZE=20 MAX_CONN=200 SCALE=10 MAX_CLIENT_CONN=12000 MAX_PREPARED=200
while (( $# > 0 )); do
    case $1 in
        --quick) ;;
        -o|--out) OUT=${2:?}; shift ;;
        -r|--reps) REPS=${2:?}; shift ;;
        -d|--duration) DURATION=${2:?}; shift ;;
        -s|--scenarios) SCENARIOS=${2:?}; shift ;;
        -t|--targets) TARGETS=${2:?}; shift ;;
        -w|--warmup) WARMUP=${2:?}; shift ;;
        -i|--idle) IDLE=${2:?}; shift ;;
        --transport) TRANSPORT=${2:?}; shift ;;
        --build) BUILD=always ;;
        --no-build) BUILD=never ;;
        --keep) KEEP=1 ;;
        --keep-logs) KEEP_LOGS=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
for v in REPS DURATION WARMUP IDLE; do
    [[ ${!v} =~ ^[0-9]+$ ]] || { echo "run.sh: $v must be a number" >&2; exit 2; }
done
(( DURATION >= 3 )) || { echo "run.sh: duration must be at least 3 s" >&2; exit 2; }
for t in $TARGETS; do
    [[ " $ALL_TARGETS " == *" $t "* ]] || { echo "run.sh: unknown target $t" >&2; exit 2; }
done
[[ -z $TRANSPORT || $TRANSPORT =~ ^(auto|io_uring|epoll|nio)$ ]] \
    || { echo "run.sh: unknown transport $TRANSPORT" >&2; exit 2; }

# scenario NAME -> KIND CLIENTS IDLE_N BENCH_USER PGB_ARGS; returns 1 for an unknown name
parse_scenario() {
    [[ $1 =~ ^(s|ext|prep|tpcb|conn|scram|idle)([0-9]+)$ ]] || return 1
    KIND=${BASH_REMATCH[1]} CLIENTS=${BASH_REMATCH[2]} IDLE_N=0 BENCH_USER=bench
    (( CLIENTS > 0 )) || return 1
    case $KIND in
        s) PGB_ARGS=(-S -M simple) ;;
        ext) PGB_ARGS=(-S -M extended) ;;
        prep) PGB_ARGS=(-S -M prepared) ;;
        tpcb) PGB_ARGS=(-M simple) ;;
        conn) PGB_ARGS=(-S -M simple -C) ;;
        scram) PGB_ARGS=(-S -M simple -C); BENCH_USER=bench_scram ;;
        idle) PGB_ARGS=(-S -M simple); IDLE_N=$IDLE ;;
    esac
}
for s in $SCENARIOS; do
    parse_scenario "$s" || { echo "run.sh: unknown scenario $s (see --help)" >&2; exit 2; }
done

[[ $(id -u) == 0 ]] || { echo "run.sh: run as root (it uses apt-get and runuser)" >&2; exit 2; }

OUT=${OUT:-$BENCH_DIR/results/$(date +%Y%m%d-%H%M%S)}
# The summary is made from every row of results.csv: rows of an earlier run would mix into it.
[[ -e $OUT/results.csv ]] && { echo "run.sh: $OUT already holds results.csv; give -o a fresh directory" >&2; exit 2; }
mkdir -p "$OUT" || exit 2
OUT=$(cd "$OUT" && pwd)
RUNLOG=$OUT/run.log

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$RUNLOG" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- clean-up of what we start
WORK="" PG_PID="" PGB_PID="" LAUNCHER_PID="" PGMUX_PID="" BG_PIDS=() CLEANED=0

# Background jobs of this script (pgbench, the idle-client holder, naps): track() them when
# started, reap() them when they are waited for; cleanup stops the ones left.
track() { BG_PIDS+=("$1"); }
reap() {
    local p rc keep=()
    wait "$1"
    rc=$?
    for p in "${BG_PIDS[@]}"; do
        [[ $p == "$1" ]] || keep+=("$p")
    done
    BG_PIDS=("${keep[@]}")
    return "$rc"
}
stop_bg() {
    local p
    for p in "${BG_PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null
    done
    for p in "${BG_PIDS[@]}"; do
        wait "$p" 2>/dev/null
    done
    BG_PIDS=()
}

# Waits up to $2 seconds for process $1 (not necessarily our child) to end.
wait_gone() {
    local i
    for (( i = 0; i < $2 * 10; i++ )); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

cleanup() {
    (( CLEANED )) && return
    CLEANED=1
    trap '' INT TERM
    stop_bg
    stop_pgmux
    stop_pgbouncer
    stop_postgres
    if [[ -n $WORK && -d $WORK ]]; then
        mkdir -p "$OUT/logs"
        cp "$WORK"/pgmux/*.log "$WORK"/pgbouncer/*.log "$WORK"/postgres.log "$OUT/logs/" 2>/dev/null
        if (( KEEP )); then
            log "kept $WORK"
        else
            rm -rf "$WORK"
        fi
    fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# sleep that a signal interrupts at once (the trap runs when wait returns)
nap() {
    sleep "$1" &
    track $!
    reap $!
}
now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }

# ---------------------------------------------------------------- what the machine needs
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
[[ -x $PY ]] || PY=$(command -v python3 || true)

install_missing() {
    local pkgs=()
    [[ -x $PGBIN/initdb && -x $PGBIN/pgbench ]] || pkgs+=(postgresql-15)
    if [[ " $TARGETS " == *" pgbouncer "* ]] && ! command -v pgbouncer >/dev/null; then
        pkgs+=(pgbouncer)
    fi
    [[ -n $PY ]] || pkgs+=(python3)
    command -v java >/dev/null || [[ -n ${JAVA_HOME:-} ]] || pkgs+=(default-jdk-headless)
    command -v pgrep >/dev/null || pkgs+=(procps)
    command -v runuser >/dev/null && command -v setsid >/dev/null || pkgs+=(util-linux)
    (( ${#pkgs[@]} )) || return 0
    log "installing ${pkgs[*]} (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    # no default cluster on 5432 and no pgbouncer service: this harness starts its own
    if [[ " ${pkgs[*]} " == *" postgresql-15 "* ]]; then
        apt-get install -y -qq postgresql-common >/dev/null || die "apt-get install postgresql-common failed"
        sed -i 's/^#\?\s*create_main_cluster.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
    fi
    local policy=""
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy"
    fi
    apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
    local rc=$?
    [[ -n $policy ]] && rm -f "$policy"
    (( rc == 0 )) || log "warning: apt-get install ${pkgs[*]} failed"
    [[ -n $PY ]] || PY=$(command -v python3 || true)
}
install_missing
[[ -x $PGBIN/initdb && -x $PGBIN/pgbench ]] || die "no PostgreSQL in $PGBIN (set PGBIN)"
id postgres >/dev/null 2>&1 || die "no postgres user (install postgresql-15)"
[[ -n $PY ]] || die "no python3"
if [[ " $TARGETS " == *" pgbouncer "* ]] && ! command -v pgbouncer >/dev/null; then
    log "warning: PgBouncer is not installed: running without it"
    TARGETS=$(tr ' ' '\n' <<<"$TARGETS" | grep -vx pgbouncer | tr '\n' ' ')
fi

[[ -n ${TARGETS// /} ]] || die "no target left to run"
JAVA=java
[[ -n ${JAVA_HOME:-} ]] && JAVA=$JAVA_HOME/bin/java
if [[ " $TARGETS " == *" pgmux "* ]] && ! command -v "$JAVA" >/dev/null; then
    die "no java to run pgmux (install a JDK 17+ or set JAVA_HOME)"
fi
JAR=${PGMUX_JAR:-$ROOT/pooler/target/pgmux.jar}
LAUNCHER=$ROOT/packaging/pgmux
build_pgmux() {
    local why=""
    if [[ -n ${PGMUX_JAR:-} || $BUILD == never ]]; then
        [[ -f $JAR ]] || die "no jar $JAR"
        return
    fi
    if [[ $BUILD == always ]]; then
        why="--build"
    elif [[ ! -f $JAR ]]; then
        why="no jar yet"
    elif [[ -n $(find "$ROOT/pom.xml" "$ROOT"/{config,admin-console,pooler}/pom.xml \
                      "$ROOT"/{config,admin-console,pooler}/src/main -newer "$JAR" -print -quit 2>/dev/null) ]]; then
        why="sources newer than the jar"
    fi
    [[ -z $why ]] && return
    log "building pgmux ($why): ./mvnw -q -DskipTests -pl pooler -am package ${MVN_ARGS:-}"
    # shellcheck disable=SC2086
    (cd "$ROOT" && ./mvnw -q -DskipTests -pl pooler -am ${MVN_ARGS:-} package) >"$OUT/build.log" 2>&1 \
        || die "build failed, see $OUT/build.log"
    [[ -f $JAR ]] || die "the build made no $JAR"
}
if [[ " $TARGETS " == *" pgmux "* ]]; then
    build_pgmux
fi

# 10,000 idle clients need 10,000 descriptors in the holder and in the pooler
NOFILE=65536
ulimit -n "$NOFILE" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
NOFILE=$(ulimit -n)
(( NOFILE >= IDLE + 1000 )) || log "warning: ulimit -n is $NOFILE, too low for $IDLE idle clients"

# ---------------------------------------------------------------- PostgreSQL
NPROC=$(nproc)
export PGSSLMODE=disable PGGSSENCMODE=disable PGCONNECT_TIMEOUT=10
DIRECT_MAX=$(( MAX_CONN - 4 * POOL_SIZE - 10 ))   # room for two pools of each pooler

WORK=$(mktemp -d /tmp/pgmux-bench.XXXXXX) || die "mktemp failed"
chmod 755 "$WORK"
chown postgres: "$WORK"
read -r PG_PORT PGB_PORT PGMUX_PORT < <("$PY" "$BENCH_DIR/procstat.py" freeports 3)
[[ -n $PGMUX_PORT ]] || die "no free ports"

as_postgres() { (cd "$WORK" && runuser -u postgres -- "$@"); }
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$WORK" -p "$PG_PORT" -U postgres)

setup_postgres() {
    log "initdb in $WORK/pg, PostgreSQL on 127.0.0.1:$PG_PORT"
    as_postgres "$PGBIN/initdb" -D "$WORK/pg" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --no-locale >"$WORK/initdb.log" 2>&1 || die "initdb failed: $(tail -3 "$WORK/initdb.log")"
    cat >>"$WORK/pg/postgresql.conf" <<EOF

# pgmux bench
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$WORK'
max_connections = $MAX_CONN
shared_buffers = 512MB
fsync = off
synchronous_commit = off
full_page_writes = off
max_wal_size = 4GB
checkpoint_timeout = 30min
password_encryption = 'scram-sha-256'
log_min_messages = warning
EOF
    cat >"$WORK/pg/pg_hba.conf" <<EOF
local  all  all                         trust
host   all  bench_scram  127.0.0.1/32   scram-sha-256
host   all  all          127.0.0.1/32   trust
EOF
    as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/postgres.log" -w -t 60 start >/dev/null \
        || die "PostgreSQL did not start: $(tail -3 "$WORK/postgres.log")"
    PG_PID=$(head -1 "$WORK/pg/postmaster.pid")
    "${PSQL[@]}" -d postgres >/dev/null <<EOF || die "creating roles failed"
CREATE ROLE bench LOGIN;
CREATE ROLE bench_scram LOGIN PASSWORD 'bench_scram_pw' IN ROLE bench;
CREATE DATABASE bench OWNER bench;
EOF
    log "pgbench -i -s $SCALE"
    "$PGBIN/pgbench" -i -q -s "$SCALE" -h 127.0.0.1 -p "$PG_PORT" -U bench bench >"$WORK/pgbench-init.log" 2>&1 \
        || die "pgbench -i failed: $(tail -3 "$WORK/pgbench-init.log")"
    "${PSQL[@]}" -d bench -c "VACUUM ANALYZE" || die "VACUUM failed"
    # The poolers' auth_file: any entry for the trust user; the scram user's secret as in pg_authid,
    # so that both poolers log in to PostgreSQL with the client's proof (SCRAM pass-through).
    local secret
    secret=$("${PSQL[@]}" -d postgres -At -c "SELECT rolpassword FROM pg_authid WHERE rolname = 'bench_scram'")
    printf '"bench" ""\n"bench_scram" "%s"\n' "$secret" >"$WORK/userlist.txt"
    cat >"$WORK/hba.conf" <<EOF
host  all  bench_scram  127.0.0.1/32  scram-sha-256
host  all  all          127.0.0.1/32  trust
EOF
}

stop_postgres() {
    [[ -n $PG_PID ]] || return 0
    as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate -w -t 20 stop >/dev/null 2>&1
    if kill -0 "$PG_PID" 2>/dev/null; then
        pkill -KILL -P "$PG_PID" 2>/dev/null
        kill -KILL "$PG_PID" 2>/dev/null
    fi
    PG_PID=""
}

# ---------------------------------------------------------------- the poolers
PGB_VERSION="" PGB_PREPARED=0
if command -v pgbouncer >/dev/null; then
    PGB_VERSION=$(pgbouncer --version | awk 'NR == 1 {print $2}')
    # named prepared statements in transaction pooling: PgBouncer 1.21+
    IFS=. read -r pgb_major pgb_minor _ <<<"$PGB_VERSION"
    (( pgb_major > 1 || (pgb_major == 1 && pgb_minor >= 21) )) && PGB_PREPARED=1
fi

# One pgbouncer.ini for both poolers; only the port, files and the keys in $3 differ.
write_ini() {
    local dir=$1 port=$2 extra=$3
    cat >"$dir/pgbouncer.ini" <<EOF
[databases]
bench = host=127.0.0.1 port=$PG_PORT dbname=bench

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = hba
auth_hba_file = $WORK/hba.conf
auth_file = $WORK/userlist.txt
pool_mode = transaction
default_pool_size = $POOL_SIZE
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = $MAX_CLIENT_CONN
max_db_connections = 0
ignore_startup_parameters = extra_float_digits
pidfile = $dir/pooler.pid
log_connections = 0
log_disconnections = 0
log_pooler_errors = 1
admin_users = postgres
$extra
EOF
}

ready() { "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$1" -U bench -d bench -t 2; }

start_pgbouncer() {
    local d=$WORK/pgbouncer extra="logfile = $WORK/pgbouncer/pgbouncer.log" i
    mkdir -p "$d"
    (( PGB_PREPARED )) && extra+=$'\n'"max_prepared_statements = $MAX_PREPARED"
    write_ini "$d" "$PGB_PORT" "$extra"
    rm -f "$d/pooler.pid"
    chown -R postgres: "$d"
    # runuser's PAM session resets the soft fd limit: raise it again inside
    as_postgres sh -c "ulimit -n $NOFILE 2>/dev/null || ulimit -n \$(ulimit -Hn); exec pgbouncer -d '$d/pgbouncer.ini'" \
        >>"$d/pgbouncer.stderr.log" 2>&1 || die "pgbouncer did not start: $(tail -3 "$d/pgbouncer.log")"
    for (( i = 0; i < 100; i++ )); do
        [[ -s $d/pooler.pid ]] && ready "$PGB_PORT" && break
        sleep 0.1
    done
    PGB_PID=$(cat "$d/pooler.pid" 2>/dev/null)
    if [[ -z $PGB_PID ]] || ! kill -0 "$PGB_PID" 2>/dev/null; then
        die "pgbouncer did not start: $(tail -3 "$d/pgbouncer.log")"
    fi
    ready "$PGB_PORT" || die "pgbouncer does not answer on $PGB_PORT"
}

stop_pgbouncer() {
    [[ -n $PGB_PID ]] || return 0
    kill -TERM "$PGB_PID" 2>/dev/null         # 1.18: immediate shutdown; 1.23+: once no client is left
    wait_gone "$PGB_PID" 10 || kill -KILL "$PGB_PID" 2>/dev/null
    wait_gone "$PGB_PID" 5
    PGB_PID=""
}

# The java process under the launcher (the launcher supervises it as its child).
find_java() {
    local p=$1 depth c
    for (( depth = 0; depth < 4; depth++ )); do
        [[ $(cat "/proc/$p/comm" 2>/dev/null) == java ]] && { echo "$p"; return 0; }
        c=$(pgrep -P "$p" | head -1)
        [[ -n $c ]] || return 1
        p=$c
    done
    return 1
}

start_pgmux() {
    local d=$WORK/pgmux extra="" i
    mkdir -p "$d"
    [[ -n $TRANSPORT ]] && extra="transport = $TRANSPORT"
    write_ini "$d" "$PGMUX_PORT" "max_prepared_statements = $MAX_PREPARED"$'\n'"$extra"
    PGMUX_JAR=$JAR "$LAUNCHER" "$d/pgbouncer.ini" >>"$d/pgmux.log" 2>&1 </dev/null &
    LAUNCHER_PID=$!
    for (( i = 0; i < 300; i++ )); do
        kill -0 "$LAUNCHER_PID" 2>/dev/null || break
        [[ -z $PGMUX_PID ]] && PGMUX_PID=$(find_java "$LAUNCHER_PID")
        [[ -n $PGMUX_PID ]] && ready "$PGMUX_PORT" && return 0
        sleep 0.1
    done
    die "pgmux did not start: $(tail -3 "$d/pgmux.log")"
}

stop_pgmux() {
    [[ -n $LAUNCHER_PID ]] || return 0
    kill -QUIT "$LAUNCHER_PID" 2>/dev/null     # PgBouncer's SIGQUIT: immediate shutdown
    if [[ -n $PGMUX_PID ]]; then
        wait_gone "$PGMUX_PID" 10 || kill -KILL "$PGMUX_PID" 2>/dev/null
    fi
    wait_gone "$LAUNCHER_PID" 5 || kill -KILL "$LAUNCHER_PID" 2>/dev/null
    wait "$LAUNCHER_PID" 2>/dev/null
    [[ -n $PGMUX_PID ]] && wait_gone "$PGMUX_PID" 5
    LAUNCHER_PID="" PGMUX_PID=""
}

# A fresh pooler process, on a new port (no wait for the old port's sockets).
restart_pooler() {
    local port
    port=$("$PY" "$BENCH_DIR/procstat.py" freeports 1)
    case $1 in
        pgbouncer) stop_pgbouncer; PGB_PORT=$port; start_pgbouncer ;;
        pgmux) stop_pgmux; PGMUX_PORT=$port; start_pgmux ;;
    esac
}

target_port() {
    case $1 in direct) echo "$PG_PORT" ;; pgbouncer) echo "$PGB_PORT" ;; pgmux) echo "$PGMUX_PORT" ;; esac
}
target_pid() {
    case $1 in direct) echo "" ;; pgbouncer) echo "$PGB_PID" ;; pgmux) echo "$PGMUX_PID" ;; esac
}
rss() { [[ -n $1 ]] && "$PY" "$BENCH_DIR/procstat.py" rss "$1"; }

# ---------------------------------------------------------------- one run
CSV=$OUT/results.csv
# run_one TARGET SCENARIO REP
run_one() {
    local target=$1 scen=$2 rep=$3
    parse_scenario "$scen"
    local port pid dir jobs pass="" started rss_start="" rss_idle="" rss_load="" idle_open="" idle_s="" note=""
    local holder="" bench sampler rc warm window i t0
    dir=$OUT/raw/$scen/$target/rep$rep
    rm -rf "$dir"
    mkdir -p "$dir"
    started=$(date +%Y-%m-%dT%H:%M:%S)
    [[ $BENCH_USER == bench_scram ]] && pass=bench_scram_pw
    local fixed=(--set "rep=$rep" --set "scenario=$scen" --set "target=$target" --set "clients=$CLIENTS"
                 --set "idle=$IDLE_N" --set "user=$BENCH_USER" --set "duration_s=$DURATION" --set "started=$started")
    local what="rep $rep/$REPS $scen $target"

    if [[ $target == direct ]] && (( CLIENTS + IDLE_N > DIRECT_MAX )); then
        log "$what: $(record "${fixed[@]}" --set status=skipped \
            --set "note=needs $((CLIENTS + IDLE_N)) connections, more than PostgreSQL's max_connections allows here ($DIRECT_MAX)")"
        return
    fi
    if [[ $target == pgbouncer && $KIND == prep ]] && (( ! PGB_PREPARED )); then
        log "$what: $(record "${fixed[@]}" --set status=unsupported \
            --set "note=PgBouncer $PGB_VERSION has no named prepared statements in transaction pooling (1.21+)")"
        return
    fi

    if (( IDLE_N > 0 )); then
        restart_pooler "$target"
        nap 2
        pid=$(target_pid "$target")
        port=$(target_port "$target")
        rss_start=$(rss "$pid")
        "$PY" "$BENCH_DIR/idle_clients.py" --port "$port" --count "$IDLE_N" --ready-file "$dir/idle.ready" \
            2>"$dir/idle.log" &
        holder=$!
        track "$holder"
        for (( i = 0; i < 1500; i++ )); do
            [[ -f $dir/idle.ready ]] && break
            kill -0 "$holder" 2>/dev/null || break
            nap 0.2
        done
        if [[ -f $dir/idle.ready ]]; then
            read -r idle_open idle_s <"$dir/idle.ready"
        else
            idle_open=0
        fi
        (( idle_open < IDLE_N )) && note="only $idle_open of $IDLE_N idle clients opened: $(tail -1 "$dir/idle.log")"
        nap 2
        rss_idle=$(rss "$pid")
        # The whole warm-up, as before rep 1: the restarted pooler also serves the later reps.
        warm_up "$target"
    fi
    pid=$(target_pid "$target")
    port=$(target_port "$target")
    (( IDLE_N > 0 )) || rss_start=$(rss "$pid")

    jobs=$(( CLIENTS < NPROC ? CLIENTS : NPROC ))
    # CPU is read over the middle of the run: a fifth of it (at least 1 s) left out at each end.
    # The sampler is started first and told when pgbench has started.
    warm=$(( DURATION / 5 ))
    (( warm < 1 )) && warm=1
    window=$(( DURATION - 2 * warm ))
    "$PY" "$BENCH_DIR/procstat.py" window "$dir" --warm "$warm" --window "$window" --postmaster "$PG_PID" \
        ${pid:+--pooler "$pid"} &
    sampler=$!
    track "$sampler"
    for (( i = 0; i < 600; i++ )); do
        [[ -f $dir/sampler.ready ]] && break
        nap 0.05
    done
    PGPASSWORD=$pass "$PGBIN/pgbench" -n -h 127.0.0.1 -p "$port" -U "$BENCH_USER" -c "$CLIENTS" -j "$jobs" \
        -T "$DURATION" "${PGB_ARGS[@]}" --log --log-prefix="$dir/lat" bench >"$dir/pgbench.out" 2>&1 &
    bench=$!
    t0=$(now_us)
    track "$bench"
    echo "$t0 $bench" >"$dir/go.tmp" && mv "$dir/go.tmp" "$dir/go"
    reap "$sampler"
    reap "$bench"
    rc=$?
    [[ -f $dir/rss.load ]] && rss_load=$(<"$dir/rss.load")
    if [[ -n $holder ]]; then
        kill -TERM "$holder" 2>/dev/null
        reap "$holder"
    fi

    log "$what: $(record "${fixed[@]}" --set status=ok --set "note=$note" --pgbench-out "$dir/pgbench.out" \
        --logs "$dir/lat" --rc "$rc" --snap-a "$dir/cpu.a" --snap-b "$dir/cpu.b" --window "$window" \
        --set "rss_start_kb=$rss_start" --set "rss_idle_kb=$rss_idle" --set "rss_load_kb=$rss_load" \
        --set "idle_open=$idle_open" --set "idle_open_s=$idle_s")"
    (( KEEP_LOGS )) || rm -f "$dir"/lat.*
}
record() { "$PY" "$BENCH_DIR/record.py" --csv "$CSV" "$@"; }

warm_up() {
    local target=$1 port jobs
    port=$(target_port "$target")
    jobs=$(( 16 < NPROC ? 16 : NPROC ))
    log "warm-up $target: pgbench -S -c 16, ${WARMUP} s (not recorded)"
    "$PGBIN/pgbench" -n -S -c 16 -j "$jobs" -T "$WARMUP" -h 127.0.0.1 -p "$port" -U bench bench \
        >"$OUT/raw/warmup-$target.out" 2>&1 &
    track $!
    reap $!
    # The login paths too, when a scenario measures them: pgmux's JIT compiles a path after some
    # thousands of runs, which a storm of SCRAM logins (a few hundred per second) takes a while to reach.
    if [[ " $SCENARIOS " =~ \ conn[0-9]+\  ]]; then warm_up_logins "$target" "$port" bench ""; fi
    if [[ " $SCENARIOS " =~ \ scram[0-9]+\  ]]; then warm_up_logins "$target" "$port" bench_scram bench_scram_pw; fi
}

warm_up_logins() {
    local target=$1 port=$2 user=$3 pass=$4
    log "warm-up $target: pgbench -S -C -c 16 as $user, ${WARMUP} s (not recorded)"
    PGPASSWORD=$pass "$PGBIN/pgbench" -n -S -C -c 16 -j 2 -T "$WARMUP" -h 127.0.0.1 -p "$port" -U "$user" bench \
        >>"$OUT/raw/warmup-$target.out" 2>&1 &
    track $!
    reap $!
}

# ---------------------------------------------------------------- header
write_header() {
    local h=$OUT/header.md commit java_version
    commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    [[ -n $(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null) ]] && commit+=" (with uncommitted changes)"
    java_version=$("$JAVA" -version 2>&1 | sed -n 2p)
    {
        echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo "- command: \`$CMDLINE\`"
        echo "- machine: $NPROC CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), kernel $(uname -r)"
        echo "- PostgreSQL: $("$PGBIN/postgres" --version | sed 's/^postgres (PostgreSQL) //'); pgbench $("$PGBIN/pgbench" --version | awk '{print $3}')"
        [[ -n $PGB_VERSION ]] && echo "- PgBouncer: $PGB_VERSION$( (( PGB_PREPARED )) || echo ' (no named prepared statements in transaction pooling: prep scenarios unsupported)')"
        if [[ " $TARGETS " == *" pgmux "* ]]; then
            echo "- pgmux: $("$JAVA" -jar "$JAR" -V 2>/dev/null | head -1 | sed 's/.*(//; s/)$//'), git $commit, jar $JAR"
            echo "- java: $java_version"
            echo "- pgmux JVM options: launcher defaults${JAVA_OPTS:+ + JAVA_OPTS=\`$JAVA_OPTS\`}; transport ${TRANSPORT:-auto}"
        fi
        echo "- targets: $TARGETS (rep 1 in this order, then reversed, and so on)"
        echo "- scenarios: $SCENARIOS"
        echo "- reps $REPS, ${DURATION} s per run, CPU window: the middle $(( DURATION - 2 * (DURATION / 5 > 0 ? DURATION / 5 : 1) )) s of each run, warm-up ${WARMUP} s per target, ${IDLE} idle clients in idle scenarios"
        echo "- pools: pool_mode = transaction, default_pool_size = $POOL_SIZE, max_client_conn = $MAX_CLIENT_CONN, auth_type = hba (trust for bench, scram-sha-256 for bench_scram, auth_file with the SCRAM secret), max_prepared_statements = $MAX_PREPARED (pgmux$( (( PGB_PREPARED )) && echo ' and PgBouncer'))"
        echo "- PostgreSQL: max_connections = $MAX_CONN (direct runs only up to $DIRECT_MAX clients), shared_buffers = 512MB, fsync/synchronous_commit/full_page_writes off, pgbench -i -s $SCALE"
        echo "- pgbench: -n -T $DURATION -c N -j min(N, $NPROC) --log, over 127.0.0.1, sslmode=disable"
    } >"$h"
}

# ---------------------------------------------------------------- main
estimate() {
    local runs=0 idle_runs=0 s t
    for s in $SCENARIOS; do
        parse_scenario "$s"
        for t in $TARGETS; do
            [[ $t == direct ]] && (( CLIENTS + IDLE_N > DIRECT_MAX )) && continue
            [[ $t == pgbouncer && $KIND == prep ]] && (( ! PGB_PREPARED )) && continue
            (( runs++ ))
            [[ $t != direct ]] && (( IDLE_N > 0 )) && (( idle_runs++ ))
        done
    done
    # measured here: a run takes its duration + the settling pause + about 1 s; an idle run adds a
    # restart and pauses (6 s), the warm-up and the logins; the set-up about 30 s
    echo $(( (REPS * (runs * (DURATION + SETTLE + 1) + idle_runs * (WARMUP + 6 + IDLE / 2000))
              + WARMUP * $(wc -w <<<"$TARGETS") + 30 + 59) / 60 ))
}

mkdir -p "$OUT/raw"
log "pgmux bench: $CMDLINE"
log "results in $OUT; about $(estimate) min"
setup_postgres
for t in $TARGETS; do
    case $t in
        pgbouncer) start_pgbouncer; log "PgBouncer $PGB_VERSION pid $PGB_PID on 127.0.0.1:$PGB_PORT" ;;
        pgmux) start_pgmux; log "pgmux pid $PGMUX_PID (launcher $LAUNCHER_PID) on 127.0.0.1:$PGMUX_PORT: $(grep -m1 -o 'started: .*' "$WORK/pgmux/pgmux.log")" ;;
    esac
done
write_header
if [[ -n $PGMUX_PID ]]; then
    echo "- pgmux process: $(grep -m1 -o 'started: .*' "$WORK/pgmux/pgmux.log"); command line: $(tr '\0' ' ' <"/proc/$PGMUX_PID/cmdline")" >>"$OUT/header.md"
fi
for t in $TARGETS; do
    warm_up "$t"
done

read -ra T <<<"$TARGETS"
for (( rep = 1; rep <= REPS; rep++ )); do
    for scen in $SCENARIOS; do
        for (( i = 0; i < ${#T[@]}; i++ )); do
            if (( rep % 2 == 1 )); then t=${T[i]}; else t=${T[${#T[@]} - 1 - i]}; fi
            run_one "$t" "$scen" "$rep"
            nap "$SETTLE"
        done
    done
done

"$PY" "$BENCH_DIR/summarize.py" "$CSV" --header "$OUT/header.md" >"$OUT/summary.md" || die "summarize.py failed"
cat "$OUT/summary.md"
log "done: $OUT/summary.md"
