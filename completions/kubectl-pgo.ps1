
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-pgo' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-pgo'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kubectl-pgo' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a PostgresCluster (interactively when no NAME is given)')
            [CompletionResult]::new('scale', 'scale', [CompletionResultType]::ParameterValue, 'Set the number of instances of an instance set')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a cluster''s instances and conditions, its HA state, a user or its backups')
            [CompletionResult]::new('switchover', 'switchover', [CompletionResultType]::ParameterValue, 'Switch the primary over to another instance (or fail over)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print the logs of every instance at once, each line prefixed with pod/container')
            [CompletionResult]::new('psql', 'psql', [CompletionResultType]::ParameterValue, 'Open psql in the primary (or a replica, or an instance), as the superuser or a user''s role')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart every instance, one at a time, in the safe order (rolling restart)')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start a stopped cluster (spec.shutdown=false)')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop a cluster: scale every instance to zero, keeping the data (spec.shutdown=true)')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Take a manual pgBackRest backup')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a cluster in place from a pgBackRest repository')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a PostgresCluster')
            [CompletionResult]::new('support', 'support', [CompletionResultType]::ParameterValue, 'Collect what a bug report needs: `support export NAME` writes a redacted .tar.gz')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the client version, and the pgo-agent versions found in the cluster')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-pgo;create' {
            [CompletionResult]::new('--pg-version', '--pg-version', [CompletionResultType]::ParameterName, 'The major version of PostgreSQL')
            [CompletionResult]::new('--pg-major-version', '--pg-major-version', [CompletionResultType]::ParameterName, 'The major version of PostgreSQL')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Number of instances (Postgres pods) in the instance set')
            [CompletionResult]::new('--instance-set', '--instance-set', [CompletionResultType]::ParameterName, 'Name of the instance set (at most 15 characters)')
            [CompletionResult]::new('--storage-size', '--storage-size', [CompletionResultType]::ParameterName, 'Size of each instance''s data volume (and of the backup repository)')
            [CompletionResult]::new('--storage-class', '--storage-class', [CompletionResultType]::ParameterName, 'StorageClass of the volumes. Defaults to the cluster''s default StorageClass')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU of the database container (request = limit), e.g. 500m or 2')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory of the database container (request = limit), e.g. 512Mi')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'A Postgres user to create; repeatable. Each user gets every --database')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'A database to create, owned by the --user(s); repeatable')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits, e.g. 90s, 5m, 1h')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--backups', '--backups', [CompletionResultType]::ParameterName, 'Configure a pgBackRest repository `repo1` on a volume (the default)')
            [CompletionResult]::new('--no-backups', '--no-backups', [CompletionResultType]::ParameterName, 'Create the cluster without a backup repository')
            [CompletionResult]::new('--disable-backups', '--disable-backups', [CompletionResultType]::ParameterName, 'Create the cluster without a backup repository')
            [CompletionResult]::new('--pgbouncer', '--pgbouncer', [CompletionResultType]::ParameterName, 'Put PgBouncer in front of the primary (spec.proxy.pgBouncer, one pod): the user Secrets gain pgbouncer-host, pgbouncer-port and pgbouncer-uri')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the manifest (with -o yaml or -o json) instead of creating it')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the cluster''s Ready condition is True')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Ask for each value in a wizard, with the flags as defaults')
            [CompletionResult]::new('--interactive', '--interactive', [CompletionResultType]::ParameterName, 'Ask for each value in a wizard, with the flags as defaults')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('postgrescluster', 'postgrescluster', [CompletionResultType]::ParameterValue, 'Create a PostgresCluster')
            [CompletionResult]::new('postgresclusters', 'postgresclusters', [CompletionResultType]::ParameterValue, 'Create a PostgresCluster')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Create a PostgresCluster')
            [CompletionResult]::new('pgc', 'pgc', [CompletionResultType]::ParameterValue, 'Create a PostgresCluster')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-pgo;create;postgrescluster' {
            [CompletionResult]::new('--pg-version', '--pg-version', [CompletionResultType]::ParameterName, 'The major version of PostgreSQL')
            [CompletionResult]::new('--pg-major-version', '--pg-major-version', [CompletionResultType]::ParameterName, 'The major version of PostgreSQL')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Number of instances (Postgres pods) in the instance set')
            [CompletionResult]::new('--instance-set', '--instance-set', [CompletionResultType]::ParameterName, 'Name of the instance set (at most 15 characters)')
            [CompletionResult]::new('--storage-size', '--storage-size', [CompletionResultType]::ParameterName, 'Size of each instance''s data volume (and of the backup repository)')
            [CompletionResult]::new('--storage-class', '--storage-class', [CompletionResultType]::ParameterName, 'StorageClass of the volumes. Defaults to the cluster''s default StorageClass')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU of the database container (request = limit), e.g. 500m or 2')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory of the database container (request = limit), e.g. 512Mi')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'A Postgres user to create; repeatable. Each user gets every --database')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'A database to create, owned by the --user(s); repeatable')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits, e.g. 90s, 5m, 1h')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--backups', '--backups', [CompletionResultType]::ParameterName, 'Configure a pgBackRest repository `repo1` on a volume (the default)')
            [CompletionResult]::new('--no-backups', '--no-backups', [CompletionResultType]::ParameterName, 'Create the cluster without a backup repository')
            [CompletionResult]::new('--disable-backups', '--disable-backups', [CompletionResultType]::ParameterName, 'Create the cluster without a backup repository')
            [CompletionResult]::new('--pgbouncer', '--pgbouncer', [CompletionResultType]::ParameterName, 'Put PgBouncer in front of the primary (spec.proxy.pgBouncer, one pod): the user Secrets gain pgbouncer-host, pgbouncer-port and pgbouncer-uri')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the manifest (with -o yaml or -o json) instead of creating it')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the cluster''s Ready condition is True')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Ask for each value in a wizard, with the flags as defaults')
            [CompletionResult]::new('--interactive', '--interactive', [CompletionResultType]::ParameterName, 'Ask for each value in a wizard, with the flags as defaults')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;create;postgresclusters' {
            [CompletionResult]::new('--pg-version', '--pg-version', [CompletionResultType]::ParameterName, 'The major version of PostgreSQL')
            [CompletionResult]::new('--pg-major-version', '--pg-major-version', [CompletionResultType]::ParameterName, 'The major version of PostgreSQL')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Number of instances (Postgres pods) in the instance set')
            [CompletionResult]::new('--instance-set', '--instance-set', [CompletionResultType]::ParameterName, 'Name of the instance set (at most 15 characters)')
            [CompletionResult]::new('--storage-size', '--storage-size', [CompletionResultType]::ParameterName, 'Size of each instance''s data volume (and of the backup repository)')
            [CompletionResult]::new('--storage-class', '--storage-class', [CompletionResultType]::ParameterName, 'StorageClass of the volumes. Defaults to the cluster''s default StorageClass')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU of the database container (request = limit), e.g. 500m or 2')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory of the database container (request = limit), e.g. 512Mi')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'A Postgres user to create; repeatable. Each user gets every --database')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'A database to create, owned by the --user(s); repeatable')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits, e.g. 90s, 5m, 1h')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--backups', '--backups', [CompletionResultType]::ParameterName, 'Configure a pgBackRest repository `repo1` on a volume (the default)')
            [CompletionResult]::new('--no-backups', '--no-backups', [CompletionResultType]::ParameterName, 'Create the cluster without a backup repository')
            [CompletionResult]::new('--disable-backups', '--disable-backups', [CompletionResultType]::ParameterName, 'Create the cluster without a backup repository')
            [CompletionResult]::new('--pgbouncer', '--pgbouncer', [CompletionResultType]::ParameterName, 'Put PgBouncer in front of the primary (spec.proxy.pgBouncer, one pod): the user Secrets gain pgbouncer-host, pgbouncer-port and pgbouncer-uri')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the manifest (with -o yaml or -o json) instead of creating it')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the cluster''s Ready condition is True')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Ask for each value in a wizard, with the flags as defaults')
            [CompletionResult]::new('--interactive', '--interactive', [CompletionResultType]::ParameterName, 'Ask for each value in a wizard, with the flags as defaults')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;create;cluster' {
            [CompletionResult]::new('--pg-version', '--pg-version', [CompletionResultType]::ParameterName, 'The major version of PostgreSQL')
            [CompletionResult]::new('--pg-major-version', '--pg-major-version', [CompletionResultType]::ParameterName, 'The major version of PostgreSQL')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Number of instances (Postgres pods) in the instance set')
            [CompletionResult]::new('--instance-set', '--instance-set', [CompletionResultType]::ParameterName, 'Name of the instance set (at most 15 characters)')
            [CompletionResult]::new('--storage-size', '--storage-size', [CompletionResultType]::ParameterName, 'Size of each instance''s data volume (and of the backup repository)')
            [CompletionResult]::new('--storage-class', '--storage-class', [CompletionResultType]::ParameterName, 'StorageClass of the volumes. Defaults to the cluster''s default StorageClass')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU of the database container (request = limit), e.g. 500m or 2')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory of the database container (request = limit), e.g. 512Mi')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'A Postgres user to create; repeatable. Each user gets every --database')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'A database to create, owned by the --user(s); repeatable')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits, e.g. 90s, 5m, 1h')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--backups', '--backups', [CompletionResultType]::ParameterName, 'Configure a pgBackRest repository `repo1` on a volume (the default)')
            [CompletionResult]::new('--no-backups', '--no-backups', [CompletionResultType]::ParameterName, 'Create the cluster without a backup repository')
            [CompletionResult]::new('--disable-backups', '--disable-backups', [CompletionResultType]::ParameterName, 'Create the cluster without a backup repository')
            [CompletionResult]::new('--pgbouncer', '--pgbouncer', [CompletionResultType]::ParameterName, 'Put PgBouncer in front of the primary (spec.proxy.pgBouncer, one pod): the user Secrets gain pgbouncer-host, pgbouncer-port and pgbouncer-uri')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the manifest (with -o yaml or -o json) instead of creating it')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the cluster''s Ready condition is True')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Ask for each value in a wizard, with the flags as defaults')
            [CompletionResult]::new('--interactive', '--interactive', [CompletionResultType]::ParameterName, 'Ask for each value in a wizard, with the flags as defaults')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;create;pgc' {
            [CompletionResult]::new('--pg-version', '--pg-version', [CompletionResultType]::ParameterName, 'The major version of PostgreSQL')
            [CompletionResult]::new('--pg-major-version', '--pg-major-version', [CompletionResultType]::ParameterName, 'The major version of PostgreSQL')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Number of instances (Postgres pods) in the instance set')
            [CompletionResult]::new('--instance-set', '--instance-set', [CompletionResultType]::ParameterName, 'Name of the instance set (at most 15 characters)')
            [CompletionResult]::new('--storage-size', '--storage-size', [CompletionResultType]::ParameterName, 'Size of each instance''s data volume (and of the backup repository)')
            [CompletionResult]::new('--storage-class', '--storage-class', [CompletionResultType]::ParameterName, 'StorageClass of the volumes. Defaults to the cluster''s default StorageClass')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU of the database container (request = limit), e.g. 500m or 2')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory of the database container (request = limit), e.g. 512Mi')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'A Postgres user to create; repeatable. Each user gets every --database')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'A database to create, owned by the --user(s); repeatable')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits, e.g. 90s, 5m, 1h')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--backups', '--backups', [CompletionResultType]::ParameterName, 'Configure a pgBackRest repository `repo1` on a volume (the default)')
            [CompletionResult]::new('--no-backups', '--no-backups', [CompletionResultType]::ParameterName, 'Create the cluster without a backup repository')
            [CompletionResult]::new('--disable-backups', '--disable-backups', [CompletionResultType]::ParameterName, 'Create the cluster without a backup repository')
            [CompletionResult]::new('--pgbouncer', '--pgbouncer', [CompletionResultType]::ParameterName, 'Put PgBouncer in front of the primary (spec.proxy.pgBouncer, one pod): the user Secrets gain pgbouncer-host, pgbouncer-port and pgbouncer-uri')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the manifest (with -o yaml or -o json) instead of creating it')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the cluster''s Ready condition is True')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Ask for each value in a wizard, with the flags as defaults')
            [CompletionResult]::new('--interactive', '--interactive', [CompletionResultType]::ParameterName, 'Ask for each value in a wizard, with the flags as defaults')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;create;help' {
            [CompletionResult]::new('postgrescluster', 'postgrescluster', [CompletionResultType]::ParameterValue, 'Create a PostgresCluster')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-pgo;create;help;postgrescluster' {
            break
        }
        'kubectl-pgo;create;help;help' {
            break
        }
        'kubectl-pgo;scale' {
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'The number of instances the set should have (at least 1)')
            [CompletionResult]::new('--instance-set', '--instance-set', [CompletionResultType]::ParameterName, 'The instance set to scale; may be left out when the cluster has one set')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--force-conflicts', '--force-conflicts', [CompletionResultType]::ParameterName, 'Take ownership of fields another field manager owns (server-side apply --force)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;show' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Instances and conditions of a cluster (the same as `show NAME`)')
            [CompletionResult]::new('postgrescluster', 'postgrescluster', [CompletionResultType]::ParameterValue, 'Instances and conditions of a cluster (the same as `show NAME`)')
            [CompletionResult]::new('ha', 'ha', [CompletionResultType]::ParameterValue, 'Patroni''s view of the cluster: members, role, state, timeline, lag')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Connection info of a Postgres user, from Secret <cluster>-pguser-<user>')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'pgBackRest backups of a cluster (`pgbackrest info`)')
            [CompletionResult]::new('backups', 'backups', [CompletionResultType]::ParameterValue, 'pgBackRest backups of a cluster (`pgbackrest info`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-pgo;show;cluster' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;show;postgrescluster' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;show;ha' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;show;user' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The cluster')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The cluster')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--show-connection-info', '--show-connection-info', [CompletionResultType]::ParameterName, 'Print the password and URIs instead of masking them')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;show;backup' {
            [CompletionResult]::new('--repoName', '--repoName', [CompletionResultType]::ParameterName, 'Only the backups in this repository')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;show;backups' {
            [CompletionResult]::new('--repoName', '--repoName', [CompletionResultType]::ParameterName, 'Only the backups in this repository')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;show;help' {
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Instances and conditions of a cluster (the same as `show NAME`)')
            [CompletionResult]::new('ha', 'ha', [CompletionResultType]::ParameterValue, 'Patroni''s view of the cluster: members, role, state, timeline, lag')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Connection info of a Postgres user, from Secret <cluster>-pguser-<user>')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'pgBackRest backups of a cluster (`pgbackrest info`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-pgo;show;help;cluster' {
            break
        }
        'kubectl-pgo;show;help;ha' {
            break
        }
        'kubectl-pgo;show;help;user' {
            break
        }
        'kubectl-pgo;show;help;backup' {
            break
        }
        'kubectl-pgo;show;help;help' {
            break
        }
        'kubectl-pgo;switchover' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The instance that should become primary (`<cluster>-<set>-<suffix>`, or its pod `<cluster>-<set>-<suffix>-0`). Patroni picks one when left out')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Switchover, or Failover (which needs --to)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--force-conflicts', '--force-conflicts', [CompletionResultType]::ParameterName, 'Take ownership of fields another field manager owns (server-side apply --force)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;logs' {
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'Only this instance (`<cluster>-<set>-<suffix>`, or its pod `…-0`)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The container: database (Postgres and Patroni), exporter, ...')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'The container: database (Postgres and Patroni), exporter, ...')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only lines newer than this: 30s, 10m, 2h')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Only the last N lines of each pod')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new lines, following restarts')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new lines, following restarts')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Keep the kubelet''s timestamp at the start of each line')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;psql' {
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'Connect to this instance (`<cluster>-<set>-<suffix>`, or its pod `…-0`)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Take this user''s role, and connect to its first database unless --dbname says otherwise')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'The database (default: the user''s first database, else postgres)')
            [CompletionResult]::new('--dbname', '--dbname', [CompletionResultType]::ParameterName, 'The database (default: the user''s first database, else postgres)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--replica', '--replica', [CompletionResultType]::ParameterName, 'Connect to a replica instead of the primary (read-only)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;restart' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--force-conflicts', '--force-conflicts', [CompletionResultType]::ParameterName, 'Take ownership of fields another field manager owns (server-side apply --force)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;start' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--force-conflicts', '--force-conflicts', [CompletionResultType]::ParameterName, 'Take ownership of fields another field manager owns (server-side apply --force)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;stop' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--force-conflicts', '--force-conflicts', [CompletionResultType]::ParameterName, 'Take ownership of fields another field manager owns (server-side apply --force)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;backup' {
            [CompletionResult]::new('--repoName', '--repoName', [CompletionResultType]::ParameterName, 'The repository to back up to. May be left out when the cluster has one repository')
            [CompletionResult]::new('--options', '--options', [CompletionResultType]::ParameterName, 'An option for `pgbackrest backup`, e.g. --options=--type=full; repeatable')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--force-conflicts', '--force-conflicts', [CompletionResultType]::ParameterName, 'Take ownership of fields another field manager owns (server-side apply --force)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;restore' {
            [CompletionResult]::new('--repoName', '--repoName', [CompletionResultType]::ParameterName, 'The repository to restore from')
            [CompletionResult]::new('--options', '--options', [CompletionResultType]::ParameterName, 'An option for `pgbackrest restore`, e.g. --options=--type=time; repeatable')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--disable', '--disable', [CompletionResultType]::ParameterName, 'Disable restores (spec.backups.pgbackrest.restore.enabled=false)')
            [CompletionResult]::new('--force-conflicts', '--force-conflicts', [CompletionResultType]::ParameterName, 'Take ownership of fields another field manager owns (server-side apply --force)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable restores of a cluster (the same as `restore NAME --disable`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-pgo;restore;disable' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--force-conflicts', '--force-conflicts', [CompletionResultType]::ParameterName, 'Take ownership of fields another field manager owns (server-side apply --force)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;restore;help' {
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable restores of a cluster (the same as `restore NAME --disable`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-pgo;restore;help;disable' {
            break
        }
        'kubectl-pgo;restore;help;help' {
            break
        }
        'kubectl-pgo;delete' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('postgrescluster', 'postgrescluster', [CompletionResultType]::ParameterValue, 'Delete a PostgresCluster (the same as `delete NAME`)')
            [CompletionResult]::new('postgresclusters', 'postgresclusters', [CompletionResultType]::ParameterValue, 'Delete a PostgresCluster (the same as `delete NAME`)')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Delete a PostgresCluster (the same as `delete NAME`)')
            [CompletionResult]::new('pgc', 'pgc', [CompletionResultType]::ParameterValue, 'Delete a PostgresCluster (the same as `delete NAME`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-pgo;delete;postgrescluster' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;delete;postgresclusters' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;delete;cluster' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;delete;pgc' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;delete;help' {
            [CompletionResult]::new('postgrescluster', 'postgrescluster', [CompletionResultType]::ParameterValue, 'Delete a PostgresCluster (the same as `delete NAME`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-pgo;delete;help;postgrescluster' {
            break
        }
        'kubectl-pgo;delete;help;help' {
            break
        }
        'kubectl-pgo;support' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write a .tar.gz of a cluster''s objects, Events and logs for a bug report (redacted)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-pgo;support;export' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Where to write the tarball. Defaults to pgo-support-NAME-TIMESTAMP.tar.gz here')
            [CompletionResult]::new('--log-lines', '--log-lines', [CompletionResultType]::ParameterName, 'How many of the last lines of each container''s log to include')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Stop adding files past this many bytes (uncompressed), e.g. 50MiB, 200M, 1GiB')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;support;help' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write a .tar.gz of a cluster''s objects, Events and logs for a bug report (redacted)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-pgo;support;help;export' {
            break
        }
        'kubectl-pgo;support;help;help' {
            break
        }
        'kubectl-pgo;version' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--client', '--client', [CompletionResultType]::ParameterName, 'Only the client version; do not contact the cluster')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;completion' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or system:serviceaccount:NS:NAME)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation; repeatable. Needs --as')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation. Needs --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long a single request to the API server may take: 0 (no limit, the default), a number of seconds, or a duration such as 5s, 1m, 1h30m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation and never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-pgo;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a PostgresCluster (interactively when no NAME is given)')
            [CompletionResult]::new('scale', 'scale', [CompletionResultType]::ParameterValue, 'Set the number of instances of an instance set')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a cluster''s instances and conditions, its HA state, a user or its backups')
            [CompletionResult]::new('switchover', 'switchover', [CompletionResultType]::ParameterValue, 'Switch the primary over to another instance (or fail over)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print the logs of every instance at once, each line prefixed with pod/container')
            [CompletionResult]::new('psql', 'psql', [CompletionResultType]::ParameterValue, 'Open psql in the primary (or a replica, or an instance), as the superuser or a user''s role')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart every instance, one at a time, in the safe order (rolling restart)')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start a stopped cluster (spec.shutdown=false)')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop a cluster: scale every instance to zero, keeping the data (spec.shutdown=true)')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Take a manual pgBackRest backup')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a cluster in place from a pgBackRest repository')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a PostgresCluster')
            [CompletionResult]::new('support', 'support', [CompletionResultType]::ParameterValue, 'Collect what a bug report needs: `support export NAME` writes a redacted .tar.gz')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the client version, and the pgo-agent versions found in the cluster')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-pgo;help;create' {
            [CompletionResult]::new('postgrescluster', 'postgrescluster', [CompletionResultType]::ParameterValue, 'Create a PostgresCluster')
            break
        }
        'kubectl-pgo;help;create;postgrescluster' {
            break
        }
        'kubectl-pgo;help;scale' {
            break
        }
        'kubectl-pgo;help;show' {
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Instances and conditions of a cluster (the same as `show NAME`)')
            [CompletionResult]::new('ha', 'ha', [CompletionResultType]::ParameterValue, 'Patroni''s view of the cluster: members, role, state, timeline, lag')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Connection info of a Postgres user, from Secret <cluster>-pguser-<user>')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'pgBackRest backups of a cluster (`pgbackrest info`)')
            break
        }
        'kubectl-pgo;help;show;cluster' {
            break
        }
        'kubectl-pgo;help;show;ha' {
            break
        }
        'kubectl-pgo;help;show;user' {
            break
        }
        'kubectl-pgo;help;show;backup' {
            break
        }
        'kubectl-pgo;help;switchover' {
            break
        }
        'kubectl-pgo;help;logs' {
            break
        }
        'kubectl-pgo;help;psql' {
            break
        }
        'kubectl-pgo;help;restart' {
            break
        }
        'kubectl-pgo;help;start' {
            break
        }
        'kubectl-pgo;help;stop' {
            break
        }
        'kubectl-pgo;help;backup' {
            break
        }
        'kubectl-pgo;help;restore' {
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable restores of a cluster (the same as `restore NAME --disable`)')
            break
        }
        'kubectl-pgo;help;restore;disable' {
            break
        }
        'kubectl-pgo;help;delete' {
            [CompletionResult]::new('postgrescluster', 'postgrescluster', [CompletionResultType]::ParameterValue, 'Delete a PostgresCluster (the same as `delete NAME`)')
            break
        }
        'kubectl-pgo;help;delete;postgrescluster' {
            break
        }
        'kubectl-pgo;help;support' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write a .tar.gz of a cluster''s objects, Events and logs for a bug report (redacted)')
            break
        }
        'kubectl-pgo;help;support;export' {
            break
        }
        'kubectl-pgo;help;version' {
            break
        }
        'kubectl-pgo;help;completion' {
            break
        }
        'kubectl-pgo;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
