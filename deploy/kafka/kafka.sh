#!/usr/bin/env bash
# Local, Docker-free Apache Kafka (KRaft, single node) for Vigil's tests and development.
# Runs Kafka from its own jars, fetched once from Maven Central (deploy/kafka/pom.xml).
#
# usage: deploy/kafka/kafka.sh {fetch|start|stop|kill|restart|status|create-topics|describe|bootstrap}
#
#   fetch          download the Kafka jars into the cache (once)
#   start          fetch if needed, format storage if needed, start the broker in the
#                  background, wait until it serves requests, create Vigil's topics
#   stop           SIGTERM, wait up to VIGIL_KAFKA_STOP_TIMEOUT (30 s), then SIGKILL
#   kill           SIGKILL the broker, as a crash would (the fault tests); start brings it back
#   restart        stop + start
#   status         exit 0 if running, 3 if not
#   create-topics  create Vigil's topics and their .dlq twins if they do not exist
#   describe       TopicCommand --describe of all topics
#   bootstrap      print the bootstrap address (127.0.0.1:<port>)
#
# Environment:
#   VIGIL_CACHE_DIR              jar cache root          (default ~/.cache/vigil)
#   VIGIL_KAFKA_DIR              state: data, config, pid, log (default <repo>/.run/kafka)
#   VIGIL_KAFKA_PORT             client port             (default 9092)
#   VIGIL_KAFKA_CONTROLLER_PORT  KRaft controller port   (default 9093)
#   VIGIL_KAFKA_PARTITIONS       partitions per topic    (default 6)
#   VIGIL_KAFKA_START_TIMEOUT    seconds to wait for the broker (default 90)
#   VIGIL_KAFKA_STOP_TIMEOUT     seconds before SIGKILL  (default 30)
#   VIGIL_KAFKA_HEAP_OPTS        broker heap             (default -Xms256m -Xmx512m)
#   VIGIL_KAFKA_JVM_OPTS         extra broker JVM options
#   VIGIL_KAFKA_USE_TOPICCOMMAND=1  create topics with TopicCommand (one JVM per topic)
#                                instead of the VigilKafkaAdmin.java helper (needs javac)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
POM="$SCRIPT_DIR/pom.xml"
TEMPLATE="$SCRIPT_DIR/server.properties"

# Single source of truth for the version: the pom.
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n 1)"
CACHE_DIR="${VIGIL_CACHE_DIR:-$HOME/.cache/vigil}/kafka-${KAFKA_VERSION}"
LIB_DIR="$CACHE_DIR/lib"
MARKER="$LIB_DIR/.vigil-fetched"

STATE_DIR="${VIGIL_KAFKA_DIR:-$REPO_ROOT/.run/kafka}"
DATA_DIR="$STATE_DIR/data"
CONF="$STATE_DIR/server.properties"
PID_FILE="$STATE_DIR/kafka.pid"
LOG_FILE="$STATE_DIR/kafka.log"
FORMAT_INFO="$STATE_DIR/formatted-for"

PORT="${VIGIL_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${VIGIL_KAFKA_CONTROLLER_PORT:-9093}"
BOOTSTRAP="127.0.0.1:${PORT}"
PARTITIONS="${VIGIL_KAFKA_PARTITIONS:-6}"
START_TIMEOUT="${VIGIL_KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT="${VIGIL_KAFKA_STOP_TIMEOUT:-30}"

TOPICS=(tickets.received tickets.triaged escalations trends)

# Short-lived tool JVMs: fast start-up, quiet logging.
TOOL_JVM_OPTS=(-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
    "-Dlog4j2.configurationFile=$SCRIPT_DIR/log4j2-tools.properties")

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    sed -n '5,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit "${1:-2}"
}

require_java() {
    command -v java >/dev/null 2>&1 || die "java not found; Kafka ${KAFKA_VERSION} needs Java 17+ (apt-get install -y openjdk-17-jre-headless)"
    local version major
    version="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    major="${version%%.*}"
    if [[ -z "$major" || "$major" -lt 17 ]]; then
        die "Kafka ${KAFKA_VERSION} needs Java 17+, found '${version:-unknown}' ($(command -v java))"
    fi
}

pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

is_fetched() { [[ -f "$MARKER" && "$(cat "$MARKER")" == "$(pom_hash)" ]]; }

cmd_fetch() {
    if is_fetched; then
        return 0
    fi
    command -v mvn >/dev/null 2>&1 || die "mvn not found; needed once to fetch the Kafka jars (apt-get install -y maven)"
    require_java
    log "fetching Kafka ${KAFKA_VERSION} jars from Maven Central into $LIB_DIR (once)"
    mkdir -p "$CACHE_DIR"
    local tmp="$CACHE_DIR/lib.tmp.$$"
    rm -rf "$tmp"
    local mvn_log="$CACHE_DIR/mvn.log"
    if ! mvn -B -f "$POM" dependency:copy-dependencies \
        -DoutputDirectory="$tmp" -DincludeScope=runtime >"$mvn_log" 2>&1; then
        tail -n 40 "$mvn_log" >&2
        rm -rf "$tmp"
        die "mvn could not fetch the Kafka jars (network to Maven Central?); full output in $mvn_log"
    fi
    pom_hash >"$tmp/.vigil-fetched"
    rm -rf "$LIB_DIR"
    mv "$tmp" "$LIB_DIR"
    log "fetched $(find "$LIB_DIR" -name '*.jar' | wc -l) jars"
}

# PID of our broker if it is running, else nothing (and exit status 1).
running_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # Guard against a recycled PID: it must be a JVM running kafka.Kafka.
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
    echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_config() {
    mkdir -p "$STATE_DIR" "$DATA_DIR"
    local tmp="$CONF.tmp"
    {
        echo "# GENERATED by deploy/kafka/kafka.sh from deploy/kafka/server.properties; edits are overwritten."
        sed -e "s#^log\.dirs=.*#log.dirs=${DATA_DIR}#" \
            -e "/^\(listeners\|advertised\.listeners\|controller\.quorum\.bootstrap\.servers\)=/{
                  s#:9092\b#:${PORT}#g
                  s#:9093\b#:${CONTROLLER_PORT}#g
                }" \
            "$TEMPLATE"
    } >"$tmp"
    mv "$tmp" "$CONF"
}

random_cluster_id() {
    # A Kafka Uuid: 16 random bytes, URL-safe base64 without padding (22 chars).
    # Like Kafka's own Uuid.randomUuid(), avoid a leading '-' (looks like an option).
    local id
    while :; do
        id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
        [[ "$id" != -* ]] && break
    done
    echo "$id"
}

format_storage() {
    if [[ -f "$DATA_DIR/meta.properties" ]]; then
        # The KRaft voter set (with the controller's port) is written into the metadata
        # log at format time; a different controller port would leave no reachable voter.
        if [[ -f "$FORMAT_INFO" && "$(cat "$FORMAT_INFO")" != "controller-port=${CONTROLLER_PORT}" ]]; then
            die "$DATA_DIR was formatted with $(cat "$FORMAT_INFO"), not controller-port=${CONTROLLER_PORT}; remove $STATE_DIR (deletes local Kafka data) or use the old port"
        fi
        return 0
    fi
    local cluster_id
    cluster_id="$(random_cluster_id)"
    log "formatting $DATA_DIR (cluster id $cluster_id)"
    java "${TOOL_JVM_OPTS[@]}" -cp "$LIB_DIR/*" kafka.tools.StorageTool format \
        --standalone -t "$cluster_id" -c "$CONF" >&2 \
        || die "formatting the storage failed"
    echo "controller-port=${CONTROLLER_PORT}" >"$FORMAT_INFO"
}

ADMIN_SRC="$SCRIPT_DIR/VigilKafkaAdmin.java"
ADMIN_CLASSES=""

# Compile deploy/kafka/VigilKafkaAdmin.java once per source version into the cache.
# Returns 1 when there is no javac (JRE only): callers fall back to TopicCommand.
have_admin_helper() {
    [[ "${VIGIL_KAFKA_USE_TOPICCOMMAND:-0}" != 1 ]] || return 1
    local hash dir
    hash="$(sha256sum "$ADMIN_SRC" | cut -c1-16)"
    dir="$CACHE_DIR/admin-$hash"
    if [[ ! -f "$dir/VigilKafkaAdmin.class" ]]; then
        command -v javac >/dev/null 2>&1 || return 1
        rm -rf "$dir.tmp"
        mkdir -p "$dir.tmp"
        javac -nowarn -cp "$LIB_DIR/*" -d "$dir.tmp" "$ADMIN_SRC" >&2 || { rm -rf "$dir.tmp"; return 1; }
        rm -rf "$dir"
        mv "$dir.tmp" "$dir"
    fi
    ADMIN_CLASSES="$dir"
}

admin_helper() {
    java "${TOOL_JVM_OPTS[@]}" -cp "$ADMIN_CLASSES:$LIB_DIR/*" VigilKafkaAdmin "$@"
}

topic_command() {
    java "${TOOL_JVM_OPTS[@]}" -cp "$LIB_DIR/*" org.apache.kafka.tools.TopicCommand \
        --bootstrap-server "$BOOTSTRAP" "$@"
}

# Create Vigil's topics once the broker answers requests (not merely once the port is
# open), waiting at most <timeout> seconds for it.
ensure_topics() {
    local timeout="$1" all=() t
    for t in "${TOPICS[@]}"; do all+=("$t" "$t.dlq"); done
    if have_admin_helper; then
        # One JVM: wait for the broker, create all topics, wait for partition leaders.
        admin_helper create "$BOOTSTRAP" "$timeout" "$PARTITIONS" 1 "${all[@]}" >&2 || return 1
    else
        # JRE only: one TopicCommand JVM per call (slower, same result).
        local deadline=$((SECONDS + timeout))
        until topic_command --list >/dev/null 2>&1; do
            ((SECONDS < deadline)) || { log "broker on $BOOTSTRAP not serving requests after ${timeout} s"; return 1; }
            sleep 1
        done
        for t in "${all[@]}"; do
            topic_command --create --if-not-exists --topic "$t" \
                --partitions "$PARTITIONS" --replication-factor 1 >&2 \
                || { log "creating topic $t failed"; return 1; }
        done
    fi
    log "topics ready on $BOOTSTRAP: ${all[*]} (${PARTITIONS} partitions each when created)"
}

cmd_create_topics() {
    is_fetched || cmd_fetch
    port_open "$PORT" || die "no broker listening on $BOOTSTRAP (run: deploy/kafka/kafka.sh start)"
    ensure_topics 30 || die "creating topics failed"
}

kill_broker() {
    # kill_broker <pid> <timeout>: SIGTERM, wait, SIGKILL.
    local pid="$1" timeout="$2" deadline
    deadline=$((SECONDS + timeout))
    kill -TERM "$pid" 2>/dev/null || return 0
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            log "broker $pid still running after ${timeout} s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
            break
        fi
        sleep 0.2
    done
}

fail_start() {
    log "error: $1"
    if [[ -f "$LOG_FILE" ]]; then
        log "last 40 lines of $LOG_FILE:"
        tail -n 40 "$LOG_FILE" >&2
    fi
    local pid
    if pid="$(running_pid)"; then
        log "stopping the half-started broker (pid $pid)"
        kill_broker "$pid" 10
    fi
    rm -f "$PID_FILE"
    exit 1
}

cmd_start() {
    local pid
    if pid="$(running_pid)"; then
        log "already running (pid $pid) on $BOOTSTRAP"
        return 0
    fi
    rm -f "$PID_FILE"
    if port_open "$PORT"; then
        die "port $PORT is already in use by another process (not a broker started by this script with state in $STATE_DIR); stop it or set VIGIL_KAFKA_PORT"
    fi
    if port_open "$CONTROLLER_PORT"; then
        die "controller port $CONTROLLER_PORT is already in use; stop that process or set VIGIL_KAFKA_CONTROLLER_PORT"
    fi
    require_java
    cmd_fetch
    local started=$SECONDS
    write_config
    format_storage

    local heap_opts jvm_opts
    read -r -a heap_opts <<<"${VIGIL_KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
    read -r -a jvm_opts <<<"${VIGIL_KAFKA_JVM_OPTS:-}"
    {
        echo
        echo "===== $(date -Is) kafka.sh start: Kafka ${KAFKA_VERSION} on ${BOOTSTRAP} ====="
    } >>"$LOG_FILE"
    # setsid: own session, so a Ctrl-C aimed at the caller (e.g. `make test`) does not
    # hit the broker; the caller stops it explicitly. The inner shell records its own
    # PID and then becomes the JVM (exec), so the PID file holds the JVM's PID.
    # 9>&-: the broker must not inherit (and hold) the start/stop lock.
    # shellcheck disable=SC2016  # $$ and $@ are for the inner shell
    nohup setsid -f bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
        java "${heap_opts[@]}" -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError \
        -Djava.awt.headless=true \
        "-Dlog4j2.configurationFile=$SCRIPT_DIR/log4j2.properties" \
        "-Dkafka.logs.dir=$STATE_DIR" \
        ${jvm_opts[@]+"${jvm_opts[@]}"} \
        -cp "$LIB_DIR/*" kafka.Kafka "$CONF" \
        </dev/null >>"$LOG_FILE" 2>&1 9>&-
    local _
    for _ in $(seq 1 50); do
        [[ -s "$PID_FILE" ]] && break
        sleep 0.1
    done
    [[ -s "$PID_FILE" ]] || fail_start "the broker process did not start"
    log "started broker (pid $(cat "$PID_FILE")), waiting up to ${START_TIMEOUT} s until it serves requests on $BOOTSTRAP"

    local deadline=$((started + START_TIMEOUT)) pid
    pid="$(cat "$PID_FILE")"
    until port_open "$PORT"; do
        kill -0 "$pid" 2>/dev/null || fail_start "the broker process $pid exited during start-up"
        ((SECONDS < deadline)) || fail_start "port $PORT not open after ${START_TIMEOUT} s"
        sleep 0.25
    done
    local remaining=$((deadline - SECONDS))
    ((remaining >= 5)) || remaining=5
    ensure_topics "$remaining" || fail_start "Kafka did not become ready, or creating topics failed"
    log "Kafka ${KAFKA_VERSION} ready on $BOOTSTRAP in $((SECONDS - started)) s (pid $(cat "$PID_FILE"), log $LOG_FILE)"
}

cmd_stop() {
    local pid
    if ! pid="$(running_pid)"; then
        log "not running"
        rm -f "$PID_FILE"
        return 0
    fi
    log "stopping broker (pid $pid)"
    kill_broker "$pid" "$STOP_TIMEOUT"
    rm -f "$PID_FILE"
    log "stopped"
}

cmd_kill() {
    local pid
    pid="$(running_pid)" || die "no broker of ours is running"
    log "killing broker (pid $pid) with SIGKILL"
    kill -KILL "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    rm -f "$PID_FILE"
}

cmd_status() {
    local pid
    if pid="$(running_pid)"; then
        log "running (pid $pid) on $BOOTSTRAP; state $STATE_DIR"
        return 0
    fi
    log "not running (state $STATE_DIR)"
    return 3
}

cmd_describe() {
    [[ -d "$LIB_DIR" ]] || die "jars not fetched yet (run: deploy/kafka/kafka.sh fetch)"
    topic_command --describe --exclude-internal
}

# Serialise start/stop of one state directory (two test runs starting at once).
with_lock() {
    mkdir -p "$STATE_DIR"
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$STATE_DIR/.lock"
        flock -w 120 9 || die "timed out waiting for the lock on $STATE_DIR"
    fi
    "$@"
}

main() {
    [[ $# -eq 1 ]] || usage
    [[ -n "$KAFKA_VERSION" ]] || die "cannot read <kafka.version> from $POM"
    case "$1" in
        fetch) cmd_fetch ;;
        start) with_lock cmd_start ;;
        stop) with_lock cmd_stop ;;
        kill) with_lock cmd_kill ;;
        restart) with_lock cmd_stop && with_lock cmd_start ;;
        status) cmd_status ;;
        create-topics) cmd_create_topics ;;
        describe) cmd_describe ;;
        bootstrap) echo "$BOOTSTRAP" ;;
        -h | --help | help) usage 0 ;;
        *) usage ;;
    esac
}

main "$@"
