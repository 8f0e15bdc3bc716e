#!/usr/bin/env bash
# End-to-end tests of pgBackRest backups, restores and clones on the test bed (issue: backups).
# Needs: a bed that is up, the agent installed, kubectl-pgo built (target/debug/kubectl-pgo).
#   KUBECONFIG=/var/lib/pgo-bed/admin.kubeconfig tests/e2e/backup.sh
set -uo pipefail
# shellcheck source-path=SCRIPTDIR/../lib
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"
REPO=$PGO_REPO

NS=${E2E_NAMESPACE:-e2e-backup}
CLUSTER=hippo
CLONE=hippo-clone
PGO=${KUBECTL_PGO:-$REPO/target/debug/kubectl-pgo}
STATE=$(mktemp -d)
trap 'rm -rf "$STATE"' EXIT

# (kc, pc, condition, primary_pod, sql, psql_on, is_ready, manual_done, ...: tests/lib/postgrescluster.sh)
rows_digest() { psql_on "${1:-$CLUSTER}" "SELECT count(*) || ' ' || md5(string_agg(v, ',' ORDER BY id)) FROM pitr"; }
info_json() { kc exec "$CLUSTER-repo-host-0" -c pgbackrest -- pgbackrest info --output=json; }
backup_count() { info_json | python3 -c 'import json,sys; print(sum(len(s["backup"]) for s in json.load(sys.stdin)))'; }
has_backup_type() { info_json | python3 -c "import json,sys; sys.exit(0 if any(b['type']=='$1' for s in json.load(sys.stdin) for b in s['backup']) else 1)"; }
event_reasons() { kc get events.v1.events.k8s.io -o jsonpath='{range .items[*]}{.reason}{"\n"}{end}' 2>/dev/null; }
# Captured first: `grep -q` exits early, and under pipefail the writer's SIGPIPE fails the test.
has_event() { local r; r=$(event_reasons); grep -qx "$1" <<<"$r"; }
# archiver_count_above KIND N: pg_stat_archiver's KIND_count (archived, failed) is above N.
archiver_count_above() { [[ $(sql "SELECT ${1}_count FROM pg_stat_archiver") -gt $2 ]]; }

# pitr_rows: adds rows 1001-2000 to pitr around a moment T, and switches WAL; sets the caller's
# `t` to T and `before` to the rows digest at T.
pitr_rows() {
    sql "INSERT INTO pitr SELECT g, md5(g::text) FROM generate_series(1001, 1500) g"
    sleep 1.5
    t=$(sql "SELECT now()")
    before=$(rows_digest)
    sleep 1.5
    sql "INSERT INTO pitr SELECT g, md5(g::text) FROM generate_series(1501, 2000) g"
    sql "SELECT pg_switch_wal()" >/dev/null
}

# restore_to T: a point-in-time restore to T through kubectl pgo; waits until it finished.
restore_to() {
    "$PGO" -n "$NS" restore "$CLUSTER" --repoName repo1 --options=--type=time "--options=--target=\"$1\"" --yes
    local id
    id=$(annotation pgbackrest-restore)
    wait_until 300 "restore $id finished" restore_done "$id"
}

# ---------------------------------------------------------------- tests

test_cluster_with_a_repository_archives_from_the_start() {
    # PGO's hippo example with two instances, a retention, an incremental backup every two
    # minutes and a 2Gi repository.
    apply_hippo "$CLUSTER" '[
        {"op": "add", "path": "/spec/instances/0/replicas", "value": 2},
        {"op": "add", "path": "/spec/backups/pgbackrest/global", "value": {"repo1-retention-full": "3"}},
        {"op": "add", "path": "/spec/backups/pgbackrest/repos/0/schedules", "value": {"incremental": "*/2 * * * *"}},
        {"op": "replace", "path": "/spec/backups/pgbackrest/repos/0/volume/volumeClaimSpec/resources/requests/storage", "value": "2Gi"}]'
    wait_until 240 "hippo ready" is_ready
    wait_until 120 "two ready instances" ready_count_is 2
    wait_until 120 "stanza created" stanza_ready
    has_event StanzaCreated || fail "no StanzaCreated event"
    [[ $(sql "SHOW archive_command") == *"pgbackrest --stanza=db archive-push"* ]] || fail "archive_command: $(sql 'SHOW archive_command')"
    sql "SELECT pg_switch_wal()" >/dev/null
    wait_until 60 "WAL archived" archiver_count_above archived 0
    kc get pvc "$CLUSTER-repo1" >/dev/null || fail "no repository volume"
    # PGO's first backup: the cluster has a restore point without asking for one.
    wait_until 240 "the replica-create backup" replica_create_done
    [[ -n $(kc get jobs -l "$L/cluster=$CLUSTER,$L/pgbackrest-backup=replica-create" -o name) ]] || fail "no replica-create Job"
    has_backup_type full || fail "no full backup after the replica-create backup"
}
replica_create_done() { [[ $(condition PGBackRestReplicaCreate) == True && $(pc '{.status.pgbackrest.repos[0].replicaCreateBackupComplete}') == true ]]; }

test_manual_full_backup_through_kubectl_pgo() {
    sql "CREATE TABLE pitr (id int PRIMARY KEY, v text); INSERT INTO pitr SELECT g, md5(g::text) FROM generate_series(1, 1000) g"
    "$PGO" -n "$NS" backup "$CLUSTER" --repoName repo1 --options=--type=full
    local id
    id=$(annotation pgbackrest-backup)
    [[ -n $id ]] || fail "kubectl pgo backup set no annotation"
    wait_until 180 "manual backup $id finished" manual_done "$id"
    expect_eq "manual backup succeeded" "$(pc '{.status.pgbackrest.manualBackup.succeeded}')" 1
    expect_eq "condition" "$(condition PGBackRestManualBackupSuccessful)" True
    has_backup_type full || fail "no full backup in pgbackrest info"
    # kubectl pgo show backup lists it.
    "$PGO" -n "$NS" show backup "$CLUSTER" | tee "$STATE/show" >&2
    grep -q full "$STATE/show" || fail "show backup lists no full backup"
}

test_point_in_time_restore_brings_back_exactly_the_rows_before_t() {
    local t before pods_before
    pitr_rows
    log "T=$t; rows before T: $before; now: $(rows_digest)"
    # WAL up to T must be in the repository before restoring to T.
    sleep 3

    # A bad target is refused before anything stops.
    pods_before=$(kc get pod -l "$L/cluster=$CLUSTER,$L/data=postgres" -o jsonpath='{.items[*].metadata.uid}')
    "$PGO" -n "$NS" restore "$CLUSTER" --repoName repo1 --options=--type=time '--options=--target="2001-01-01 00:00:00+00"' --yes
    wait_until 60 "RestoreRejected event" has_event RestoreRejected
    expect_eq "restore condition" "$(pc '{.status.conditions[?(@.type=="PGBackRestRestoreProgressing")].reason}')" RestoreFailed
    expect_eq "pods untouched" "$(kc get pod -l "$L/cluster=$CLUSTER,$L/data=postgres" -o jsonpath='{.items[*].metadata.uid}')" "$pods_before"
    is_ready || fail "cluster not ready after a rejected restore"

    local t0
    t0=$(now)
    restore_to "$t"
    expect_eq "restore succeeded" "$(pc '{.status.pgbackrest.restore.succeeded}')" 1
    wait_until 240 "writable primary after restore" primary_writable
    log "restore: primary writable $(elapsed "$t0")s after the request"
    expect_eq "rows committed before T" "$(rows_digest)" "$before"
    wait_until 300 "both instances back" ready_count_is 2
    wait_until 120 "ready" is_ready
    has_event RestoreComplete || fail "no RestoreComplete event"
    # The replica copied the restored primary.
    local replica
    replica=$(kc get pod -l "$L/cluster=$CLUSTER,$L/role=replica" -o jsonpath='{.items[0].metadata.name}')
    wait_until 120 "replica streams" streaming_replicas_are 1
    expect_eq "replica rows" "$(kc exec "$replica" -c database -- psql -X -Atq -d postgres -c "SELECT count(*) || ' ' || md5(string_agg(v, ',' ORDER BY id)) FROM pitr")" "$before"
    # The backups from before the restore are on the old timeline: PGO's replica-create backup
    # runs again, so the cluster has a restore point on the new one (a clone needs it).
    wait_until 240 "a replica-create backup after the restore" replica_create_done
    echo "$before" >"$STATE/digest"
}

test_scheduled_incremental_backup_runs_on_its_own() {
    # The schedule fires every two minutes; after the full backup it is an incremental one.
    wait_until 300 "a scheduled incremental backup" has_backup_type incr
    local last
    last=$(pc '{.status.pgbackrest.scheduledBackups[0].lastRun.succeeded}')
    [[ -n $(pc '{.status.pgbackrest.scheduledBackups[0].nextRun}') ]] || fail "no nextRun in status"
    log "schedule: last run succeeded=$last, next run $(pc '{.status.pgbackrest.scheduledBackups[0].nextRun}')"
    [[ -n $(kc get jobs -l "$L/pgbackrest-cronjob=$CLUSTER-repo1-incr" -o name) ]] || fail "no scheduled Job"
}

test_clone_has_the_same_data_and_the_original_is_untouched() {
    local before
    before=$(cat "$STATE/digest")
    # PGO's hippo example, restored from hippo's repository, with no backups of its own.
    apply_hippo "$CLONE" '[
        {"op": "remove", "path": "/spec/backups"},
        {"op": "add", "path": "/spec/dataSource", "value": {"postgresCluster": {"clusterName": "hippo", "repoName": "repo1"}}}]'
    wait_until 300 "clone ready" is_ready "$CLONE"
    expect_eq "clone rows" "$(rows_digest "$CLONE")" "$before"
    expect_eq "original rows" "$(rows_digest)" "$before"
    # The clone has its own identity and writes; the original does not see them.
    psql_on "$CLONE" "INSERT INTO pitr VALUES (999999, 'clone only')"
    expect_eq "original untouched" "$(rows_digest)" "$before"
    # Without spec.backups, the clone archives nothing.
    expect_eq "clone archive_command" "$(psql_on "$CLONE" 'SHOW archive_command')" true
    kc delete postgrescluster "$CLONE" --wait=false >/dev/null
}

test_a_clone_replays_wal_past_a_raised_max_connections() {
    # max_connections rises on hippo after its last backup, so the WAL the clone replays
    # records a higher setting than the clone's own: recovery must not pause on it.
    kc patch postgrescluster "$CLUSTER" --type=merge \
        -p '{"spec":{"patroni":{"dynamicConfiguration":{"postgresql":{"parameters":{"max_connections":"150"}}}}}}' >/dev/null
    wait_until 300 "max_connections 150 on hippo's primary" max_connections_is 150
    sql "INSERT INTO pitr VALUES (4000, 'after max_connections rose')"
    sql "SELECT pg_switch_wal()" >/dev/null
    wait_until 60 "WAL archived" archiver_count_above archived 0
    sleep 3
    local before
    before=$(rows_digest)
    apply_hippo hippo-clone2 '[
        {"op": "remove", "path": "/spec/backups"},
        {"op": "add", "path": "/spec/dataSource", "value": {"postgresCluster": {"clusterName": "hippo", "repoName": "repo1"}}}]'
    wait_until 300 "clone ready" is_ready hippo-clone2
    expect_eq "clone rows, the one written after max_connections rose included" "$(rows_digest hippo-clone2)" "$before"
    kc delete postgrescluster hippo-clone2 --wait=false >/dev/null
}
max_connections_is() { [[ $(sql "SHOW max_connections") == "$1" ]]; }

test_archiving_and_backups_continue_after_a_failover() {
    local old new wal_before
    old=$(primary_pod)
    wal_before=$(sql "SELECT last_archived_wal FROM pg_stat_archiver")
    kc delete pod "$old" --wait=false >/dev/null
    wait_until 60 "a new primary" primary_moved_from "$old"
    new=$(primary_pod)
    wait_until 60 "new primary writable" primary_writable
    sql "INSERT INTO pitr VALUES (3000, 'after failover')"
    sql "SELECT pg_switch_wal()" >/dev/null
    wait_until 60 "WAL archived from $new" archiver_count_above archived 0
    log "archived from $new: $(sql 'SELECT last_archived_wal FROM pg_stat_archiver') (before failover: $wal_before)"
    local n
    n=$(backup_count)
    kc annotate postgrescluster "$CLUSTER" --overwrite "$L/pgbackrest-backup=after-failover" >/dev/null
    wait_until 240 "backup after failover" manual_done after-failover
    expect_eq "backup after failover succeeded" "$(pc '{.status.pgbackrest.manualBackup.succeeded}')" 1
    [[ $(backup_count) -gt $n ]] || fail "no new backup in the repository"
}

test_a_failing_backup_gets_a_condition_and_event() {
    kc patch postgrescluster "$CLUSTER" --type=merge -p '{"spec":{"backups":{"pgbackrest":{"manual":{"repoName":"repo1","options":["--type=bogus"]}}}}}' >/dev/null
    kc annotate postgrescluster "$CLUSTER" --overwrite "$L/pgbackrest-backup=bogus" >/dev/null
    wait_until 180 "failing backup finished" manual_done bogus
    expect_eq "condition" "$(condition PGBackRestManualBackupSuccessful)" False
    has_event BackupFailed || fail "no BackupFailed event"
    is_ready || fail "a failed backup must not disturb the cluster"
}

test_a_restore_that_fails_brings_the_cluster_back_on_its_data() {
    # A restore point that does not exist: pgBackRest restores, Postgres replays every WAL file
    # and never reaches the target. The data from before the restore comes back, by itself.
    local before dir id msg
    before=$(rows_digest)
    dir=$(mktemp -d "${E2E_RESULTS:-/tmp}/writer.XXXX")
    test_writer_start "$dir" || return 1
    "$PGO" -n "$NS" restore "$CLUSTER" --repoName repo1 --options=--type=name --options=--target=no-such-restore-point --yes
    id=$(annotation pgbackrest-restore)
    wait_until 420 "restore $id finished" restore_done "$id"
    expect_eq "restore failed" "$(pc '{.status.pgbackrest.restore.failed}')" 1
    msg=$(pc '{.status.conditions[?(@.type=="PGBackRestRestoreProgressing")].message}')
    log "condition: $msg"
    [[ $msg == *"recovery ended before configured recovery target was reached"* ]] || fail "the condition does not say why: $msg"
    [[ $msg == *"starts again on the data it had before the restore"* ]] || fail "the condition does not say what follows: $msg"
    has_event RestoreFailed || fail "no RestoreFailed event"
    wait_until 300 "writable primary on the old data" primary_writable
    wait_until 300 "both instances back" ready_count_is 2
    wait_until 120 "ready" is_ready
    test_writer_verify "$dir" --timeout 120 || return 1
    expect_eq "rows from before the restore" "$(rows_digest)" "$before"
    echo "$before" >"$STATE/digest-final"
    expect_eq "no restore volume left aside" "$(kc exec "$(primary_pod)" -c database -- ls /pgdata)" "pg15"
}

test_removing_spec_backups_waits_for_authorization_and_keeps_the_repository() {
    # One deleted block must not end a cluster's backups silently (PGO's authorizeBackupRemoval).
    kc patch postgrescluster "$CLUSTER" --type=json -p '[{"op": "remove", "path": "/spec/backups"}]' >/dev/null
    wait_until 60 "Progressing=Paused" progressing_reason_is Paused
    [[ $(pc '{.status.conditions[?(@.type=="Progressing")].message}') == *authorizeBackupRemoval* ]] || fail "the condition does not name the annotation"
    has_event BackupRemovalNotAuthorized || fail "no BackupRemovalNotAuthorized event"
    kc get statefulset "$CLUSTER-repo-host" >/dev/null || fail "the repository host went without authorization"
    [[ $(sql "SHOW archive_command") == *pgbackrest* ]] || fail "archiving stopped without authorization"
    is_ready || fail "not ready while paused"
    kc annotate postgrescluster "$CLUSTER" --overwrite "$L/authorizeBackupRemoval=true" >/dev/null
    wait_until 240 "repository host removed" repo_host_gone
    wait_until 300 "archiving off" archive_command_is_not_pgbackrest
    kc get pvc "$CLUSTER-repo1" >/dev/null || fail "the repository volume was deleted"
    wait_until 300 "ready" is_ready
    expect_eq "rows" "$(rows_digest)" "$(cat "$STATE/digest-final")"
}
progressing_reason_is() { [[ $(pc '{.status.conditions[?(@.type=="Progressing")].reason}') == "$1" ]]; }
repo_host_gone() { ! kc get statefulset "$CLUSTER-repo-host" >/dev/null 2>&1; }
archive_command_is_not_pgbackrest() { [[ $(sql "SHOW archive_command") != *pgbackrest* ]]; }

test_s3_repository_point_in_time_restore() {
    # The same as the volume test, with the repository in a local S3 server (moto, HTTPS).
    local CLUSTER=hippo-s3
    eval "$("$REPO/tests/bed/s3.sh" env)"
    kc create secret generic pgo-s3-creds --from-file=s3-ca.crt="$S3_CA_FILE" \
        --from-literal=s3.conf="$(printf '[global]\nrepo1-s3-key=%s\nrepo1-s3-key-secret=%s\n' "$S3_KEY" "$S3_KEY_SECRET")" \
        --dry-run=client -o yaml | kc apply -f - >/dev/null
    # PGO's hippo example with its repository in S3. io-timeout: a local server answers at once
    # or not at all: give up on it after seconds, not the default minute per request (the
    # unreachable-repository test below).
    local backups
    backups=$(jq -cn --arg path "/pgbackrest/$NS/hippo-s3-$(date +%s)/repo1" --arg bucket "$S3_BUCKET" \
        --arg endpoint "$S3_ENDPOINT" --arg region "$S3_REGION" '{pgbackrest: {
            configuration: [{secret: {name: "pgo-s3-creds"}}],
            global: {
                "repo1-path": $path,
                "repo1-s3-uri-style": "path",
                "repo1-storage-ca-file": "/etc/pgbackrest/conf.d/s3-ca.crt",
                "io-timeout": "5"},
            repos: [{name: "repo1", s3: {bucket: $bucket, endpoint: $endpoint, region: $region}}]}}')
    apply_hippo "$CLUSTER" "[{\"op\": \"replace\", \"path\": \"/spec/backups\", \"value\": $backups}]"
    wait_until 240 "hippo-s3 ready" is_ready "$CLUSTER"
    wait_until 120 "stanza created in S3" stanza_ready
    sql "CREATE TABLE pitr (id int PRIMARY KEY, v text); INSERT INTO pitr SELECT g, md5(g::text) FROM generate_series(1, 1000) g"
    kc patch postgrescluster "$CLUSTER" --type=merge -p '{"spec":{"backups":{"pgbackrest":{"manual":{"repoName":"repo1","options":["--type=full"]}}}}}' >/dev/null
    kc annotate postgrescluster "$CLUSTER" --overwrite "$L/pgbackrest-backup=s3-full" >/dev/null
    wait_until 240 "S3 backup finished" manual_done s3-full
    expect_eq "S3 backup succeeded" "$(pc '{.status.pgbackrest.manualBackup.succeeded}')" 1
    local t before
    pitr_rows
    sleep 3
    restore_to "$t"
    expect_eq "S3 restore succeeded" "$(pc '{.status.pgbackrest.restore.succeeded}')" 1
    wait_until 120 "writable" primary_writable
    expect_eq "rows committed before T (S3)" "$(rows_digest)" "$before"
    wait_until 240 "a replica-create backup to S3 after the restore" replica_create_done
    echo "$CLUSTER" >"$STATE/s3-cluster"
}

# repo_info_as POD: `pgbackrest info` of hippo's repository host, asked from POD's pgbackrest
# container with the certificate that pod holds (no configuration file: only these options).
repo_info_as() {
    local conf=/etc/pgbackrest/conf.d
    kc exec "$1" -c pgbackrest -- env -u PGBACKREST_CONFIG_INCLUDE_PATH pgbackrest --config=/dev/null \
        --stanza=db --log-level-file=off --log-level-console=error --lock-path=/tmp \
        --repo1-host="$CLUSTER-repo-host-0.$CLUSTER-pods.$NS.svc.cluster.local" --repo1-host-type=tls \
        --repo1-host-port=8432 --repo1-host-ca-file="$conf/ca.crt" \
        --repo1-host-cert-file="$conf/tls.crt" --repo1-host-key-file="$conf/tls.key" info --output=json
}

test_another_clusters_pgbackrest_certificate_is_refused() {
    local other mine theirs out
    other=$(cat "$STATE/s3-cluster")
    mine=$(primary_pod)
    theirs=$(primary_pod "$other")
    # Both certificates come from the namespace's CA; only hippo's names hippo. (info reports a
    # repository it cannot read in its JSON, not in its exit code.)
    out=$(repo_info_as "$mine" 2>&1) || fail "info with hippo's certificate failed: $out"
    grep -q '"backup":\[{' <<<"$out" || fail "hippo's own certificate did not list its backups: $out"
    out=$(repo_info_as "$theirs" 2>&1) || true
    grep -q "access denied" <<<"$out" || fail "$other's certificate read hippo's repository: $out"
    grep -q '"backup":\[{' <<<"$out" && fail "$other's certificate listed hippo's backups"
    log "$other's certificate refused: $(grep -o '"message":"[^"]*access denied"' <<<"$out" | head -n 1)"
}

test_unreachable_repository_fails_the_backup_not_the_cluster() {
    local CLUSTER
    CLUSTER=$(cat "$STATE/s3-cluster")
    local f0
    f0=$(sql "SELECT failed_count FROM pg_stat_archiver")
    "$REPO/tests/bed/s3.sh" stop >&2
    kc annotate postgrescluster "$CLUSTER" --overwrite "$L/pgbackrest-backup=s3-down" >/dev/null
    wait_until 300 "backup to the stopped S3 server finished" manual_done s3-down
    expect_eq "backup failed" "$(pc '{.status.pgbackrest.manualBackup.failed}')" 1
    expect_eq "condition" "$(condition PGBackRestManualBackupSuccessful)" False
    has_event BackupFailed || fail "no BackupFailed event"
    # Postgres keeps running and accepting writes; archiving reports its failures.
    sql "INSERT INTO pitr VALUES (5000, 'repo down'); SELECT pg_switch_wal()" >/dev/null
    wait_until 120 "archive failures counted" archiver_count_above failed "$f0"
    is_ready "$CLUSTER" || fail "the cluster must stay ready while its repository is down"
    kc delete postgrescluster "$CLUSTER" --wait=false >/dev/null
}

main() {
    [[ -x $PGO ]] || { echo "build kubectl-pgo first: cargo build -p kubectl-pgo" >&2; exit 2; }
    e2e_namespace || exit 1
    run_test "a cluster with a repository archives WAL from the start" test_cluster_with_a_repository_archives_from_the_start
    run_test "manual full backup through kubectl pgo" test_manual_full_backup_through_kubectl_pgo
    run_test "point-in-time restore brings back exactly the rows before T" test_point_in_time_restore_brings_back_exactly_the_rows_before_t
    run_test "a scheduled incremental backup runs on its own" test_scheduled_incremental_backup_runs_on_its_own
    run_test "a clone has the same data; the original is untouched" test_clone_has_the_same_data_and_the_original_is_untouched
    run_test "a clone replays WAL past a raised max_connections" test_a_clone_replays_wal_past_a_raised_max_connections
    run_test "archiving and backups continue after a failover" test_archiving_and_backups_continue_after_a_failover
    run_test "a failing backup gets a condition and an event" test_a_failing_backup_gets_a_condition_and_event
    run_test "a restore that fails brings the cluster back on its data" test_a_restore_that_fails_brings_the_cluster_back_on_its_data
    if "$REPO/tests/bed/s3.sh" start >&2; then
        run_test "S3 repository: point-in-time restore" test_s3_repository_point_in_time_restore
        run_test "another cluster's pgBackRest certificate is refused" test_another_clusters_pgbackrest_certificate_is_refused
        run_test "an unreachable repository fails the backup, not the cluster" test_unreachable_repository_fails_the_backup_not_the_cluster
    else
        run_test "S3 repository: the local S3 server starts" false
    fi
    # Last: it removes hippo's backups.
    run_test "removing spec.backups waits for authorization and keeps the repository" test_removing_spec_backups_waits_for_authorization_and_keeps_the_repository
    e2e_namespace_done
    summary "e2e backup"
}

main "$@"
