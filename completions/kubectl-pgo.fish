# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_pgo_global_optspecs
    string join \n n/namespace= context= kubeconfig= o/output= y/yes h/help V/version
end

function __fish_kubectl_pgo_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_pgo_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_pgo_using_subcommand
    set -l cmd (__fish_kubectl_pgo_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -f -a "create" -d 'Create a PostgresCluster (interactively when no NAME is given)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -f -a "scale" -d 'Set the number of instances of an instance set'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -f -a "show" -d 'Show a cluster\'s instances and conditions, its HA state, a user or its backups'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -f -a "switchover" -d 'Switch the primary over to another instance (or fail over)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -f -a "start" -d 'Start a stopped cluster (spec.shutdown=false)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -f -a "stop" -d 'Stop a cluster: scale every instance to zero, keeping the data (spec.shutdown=true)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -f -a "backup" -d 'Take a manual pgBackRest backup'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -f -a "restore" -d 'Restore a cluster in place from a pgBackRest repository'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -f -a "delete" -d 'Delete a PostgresCluster'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -f -a "version" -d 'Print the client version, and the pgo-agent versions found in the cluster'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -l pg-version -d 'The major version of PostgreSQL' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -l replicas -d 'Number of instances (Postgres pods) in the instance set' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -l instance-set -d 'Name of the instance set (at most 15 characters)' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -l storage-size -d 'Size of each instance\'s data volume (and of the backup repository)' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -l storage-class -d 'StorageClass of the volumes. Defaults to the cluster\'s default StorageClass' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -l cpu -d 'CPU of the database container (request = limit), e.g. 500m or 2' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -l memory -d 'Memory of the database container (request = limit), e.g. 512Mi' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -l user -d 'A Postgres user to create; repeatable. Each user gets every --database' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -l database -d 'A database to create, owned by the --user(s); repeatable' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -l timeout -d 'How long --wait waits, e.g. 90s, 5m, 1h' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -l backups -d 'Configure a pgBackRest repository `repo1` on a volume (the default)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -l no-backups -d 'Create the cluster without a backup repository'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -l dry-run -d 'Print the manifest (with -o yaml or -o json) instead of creating it'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -l wait -d 'Wait until the cluster\'s Ready condition is True'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -s i -l interactive -d 'Ask for each value in a wizard, with the flags as defaults'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -a "postgrescluster" -d 'Create a PostgresCluster'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -a "cluster" -d 'Create a PostgresCluster'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -a "pgc" -d 'Create a PostgresCluster'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and not __fish_seen_subcommand_from postgrescluster cluster pgc help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -l pg-version -d 'The major version of PostgreSQL' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -l replicas -d 'Number of instances (Postgres pods) in the instance set' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -l instance-set -d 'Name of the instance set (at most 15 characters)' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -l storage-size -d 'Size of each instance\'s data volume (and of the backup repository)' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -l storage-class -d 'StorageClass of the volumes. Defaults to the cluster\'s default StorageClass' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -l cpu -d 'CPU of the database container (request = limit), e.g. 500m or 2' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -l memory -d 'Memory of the database container (request = limit), e.g. 512Mi' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -l user -d 'A Postgres user to create; repeatable. Each user gets every --database' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -l database -d 'A database to create, owned by the --user(s); repeatable' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -l timeout -d 'How long --wait waits, e.g. 90s, 5m, 1h' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -l backups -d 'Configure a pgBackRest repository `repo1` on a volume (the default)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -l no-backups -d 'Create the cluster without a backup repository'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -l dry-run -d 'Print the manifest (with -o yaml or -o json) instead of creating it'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -l wait -d 'Wait until the cluster\'s Ready condition is True'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -s i -l interactive -d 'Ask for each value in a wizard, with the flags as defaults'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from postgrescluster" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -l pg-version -d 'The major version of PostgreSQL' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -l replicas -d 'Number of instances (Postgres pods) in the instance set' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -l instance-set -d 'Name of the instance set (at most 15 characters)' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -l storage-size -d 'Size of each instance\'s data volume (and of the backup repository)' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -l storage-class -d 'StorageClass of the volumes. Defaults to the cluster\'s default StorageClass' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -l cpu -d 'CPU of the database container (request = limit), e.g. 500m or 2' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -l memory -d 'Memory of the database container (request = limit), e.g. 512Mi' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -l user -d 'A Postgres user to create; repeatable. Each user gets every --database' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -l database -d 'A database to create, owned by the --user(s); repeatable' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -l timeout -d 'How long --wait waits, e.g. 90s, 5m, 1h' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -l backups -d 'Configure a pgBackRest repository `repo1` on a volume (the default)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -l no-backups -d 'Create the cluster without a backup repository'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -l dry-run -d 'Print the manifest (with -o yaml or -o json) instead of creating it'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -l wait -d 'Wait until the cluster\'s Ready condition is True'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -s i -l interactive -d 'Ask for each value in a wizard, with the flags as defaults'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from cluster" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -l pg-version -d 'The major version of PostgreSQL' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -l replicas -d 'Number of instances (Postgres pods) in the instance set' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -l instance-set -d 'Name of the instance set (at most 15 characters)' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -l storage-size -d 'Size of each instance\'s data volume (and of the backup repository)' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -l storage-class -d 'StorageClass of the volumes. Defaults to the cluster\'s default StorageClass' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -l cpu -d 'CPU of the database container (request = limit), e.g. 500m or 2' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -l memory -d 'Memory of the database container (request = limit), e.g. 512Mi' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -l user -d 'A Postgres user to create; repeatable. Each user gets every --database' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -l database -d 'A database to create, owned by the --user(s); repeatable' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -l timeout -d 'How long --wait waits, e.g. 90s, 5m, 1h' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -l backups -d 'Configure a pgBackRest repository `repo1` on a volume (the default)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -l no-backups -d 'Create the cluster without a backup repository'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -l dry-run -d 'Print the manifest (with -o yaml or -o json) instead of creating it'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -l wait -d 'Wait until the cluster\'s Ready condition is True'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -s i -l interactive -d 'Ask for each value in a wizard, with the flags as defaults'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from pgc" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from help" -f -a "postgrescluster" -d 'Create a PostgresCluster'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand create; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand scale" -l replicas -d 'The number of instances the set should have (at least 1)' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand scale" -l instance-set -d 'The instance set to scale; may be left out when the cluster has one set' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand scale" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand scale" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand scale" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand scale" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand scale" -l force-conflicts -d 'Take ownership of fields another field manager owns (server-side apply --force)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand scale" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand scale" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand scale" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and not __fish_seen_subcommand_from cluster postgrescluster ha user backup help" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and not __fish_seen_subcommand_from cluster postgrescluster ha user backup help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and not __fish_seen_subcommand_from cluster postgrescluster ha user backup help" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and not __fish_seen_subcommand_from cluster postgrescluster ha user backup help" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and not __fish_seen_subcommand_from cluster postgrescluster ha user backup help" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and not __fish_seen_subcommand_from cluster postgrescluster ha user backup help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and not __fish_seen_subcommand_from cluster postgrescluster ha user backup help" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and not __fish_seen_subcommand_from cluster postgrescluster ha user backup help" -a "cluster" -d 'Instances and conditions of a cluster (the same as `show NAME`)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and not __fish_seen_subcommand_from cluster postgrescluster ha user backup help" -a "postgrescluster" -d 'Instances and conditions of a cluster (the same as `show NAME`)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and not __fish_seen_subcommand_from cluster postgrescluster ha user backup help" -a "ha" -d 'Patroni\'s view of the cluster: members, role, state, timeline, lag'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and not __fish_seen_subcommand_from cluster postgrescluster ha user backup help" -a "user" -d 'Connection info of a Postgres user, from Secret <cluster>-pguser-<user>'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and not __fish_seen_subcommand_from cluster postgrescluster ha user backup help" -a "backup" -d 'pgBackRest backups of a cluster (`pgbackrest info`)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and not __fish_seen_subcommand_from cluster postgrescluster ha user backup help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from cluster" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from cluster" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from cluster" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from cluster" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from cluster" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from cluster" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from cluster" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from postgrescluster" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from postgrescluster" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from postgrescluster" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from postgrescluster" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from postgrescluster" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from postgrescluster" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from postgrescluster" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from ha" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from ha" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from ha" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from ha" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from ha" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from ha" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from ha" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from user" -s c -l cluster -d 'The cluster' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from user" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from user" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from user" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from user" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from user" -l show-connection-info -d 'Print the password and URIs instead of masking them'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from user" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from user" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from user" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from backup" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from backup" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from backup" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from backup" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from backup" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from backup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from backup" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from help" -f -a "cluster" -d 'Instances and conditions of a cluster (the same as `show NAME`)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from help" -f -a "ha" -d 'Patroni\'s view of the cluster: members, role, state, timeline, lag'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from help" -f -a "user" -d 'Connection info of a Postgres user, from Secret <cluster>-pguser-<user>'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from help" -f -a "backup" -d 'pgBackRest backups of a cluster (`pgbackrest info`)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand show; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand switchover" -l to -d 'The instance that should become primary (`<cluster>-<set>-<suffix>`). Patroni picks one when left out' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand switchover" -l type -d 'Switchover, or Failover (which needs --to)' -r -f -a "Switchover\t'A controlled switchover to a healthy replica'
Failover\t'Promote the target even if the primary is unhealthy (needs --to)'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand switchover" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand switchover" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand switchover" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand switchover" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand switchover" -l force-conflicts -d 'Take ownership of fields another field manager owns (server-side apply --force)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand switchover" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand switchover" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand switchover" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand start" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand start" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand start" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand start" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand start" -l force-conflicts -d 'Take ownership of fields another field manager owns (server-side apply --force)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand start" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand start" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand start" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand stop" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand stop" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand stop" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand stop" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand stop" -l force-conflicts -d 'Take ownership of fields another field manager owns (server-side apply --force)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand stop" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand stop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand stop" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand backup" -l repoName -d 'The repository to back up to. May be left out when the cluster has one repository' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand backup" -l options -d 'An option for `pgbackrest backup`, e.g. --options=--type=full; repeatable' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand backup" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand backup" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand backup" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand backup" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand backup" -l force-conflicts -d 'Take ownership of fields another field manager owns (server-side apply --force)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand backup" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand backup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand backup" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand restore" -l repoName -d 'The repository to restore from' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand restore" -l options -d 'An option for `pgbackrest restore`, e.g. --options=--type=time; repeatable' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand restore" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand restore" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand restore" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand restore" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand restore" -l disable -d 'Disable restores (spec.backups.pgbackrest.restore.enabled=false)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand restore" -l force-conflicts -d 'Take ownership of fields another field manager owns (server-side apply --force)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand restore" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand restore" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand delete" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand delete" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand delete" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand delete" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand delete" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand delete" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand version" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand version" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand version" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand version" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand version" -l client -d 'Only the client version; do not contact the cluster'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand version" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand version" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand completion" -s n -l namespace -d 'The namespace. Defaults to the namespace of the kubeconfig context, else `default`' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand completion" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file. Defaults to $KUBECONFIG, then ~/.kube/config' -r -F
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand completion" -s o -l output -d 'Output format of results' -r -f -a "table\t'Human-readable tables'
json\t'JSON'
yaml\t'YAML'"
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand completion" -s y -l yes -d 'Answer yes to every confirmation and never prompt'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand completion" -s V -l version -d 'Print version'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and not __fish_seen_subcommand_from create scale show switchover start stop backup restore delete version completion help" -f -a "create" -d 'Create a PostgresCluster (interactively when no NAME is given)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and not __fish_seen_subcommand_from create scale show switchover start stop backup restore delete version completion help" -f -a "scale" -d 'Set the number of instances of an instance set'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and not __fish_seen_subcommand_from create scale show switchover start stop backup restore delete version completion help" -f -a "show" -d 'Show a cluster\'s instances and conditions, its HA state, a user or its backups'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and not __fish_seen_subcommand_from create scale show switchover start stop backup restore delete version completion help" -f -a "switchover" -d 'Switch the primary over to another instance (or fail over)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and not __fish_seen_subcommand_from create scale show switchover start stop backup restore delete version completion help" -f -a "start" -d 'Start a stopped cluster (spec.shutdown=false)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and not __fish_seen_subcommand_from create scale show switchover start stop backup restore delete version completion help" -f -a "stop" -d 'Stop a cluster: scale every instance to zero, keeping the data (spec.shutdown=true)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and not __fish_seen_subcommand_from create scale show switchover start stop backup restore delete version completion help" -f -a "backup" -d 'Take a manual pgBackRest backup'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and not __fish_seen_subcommand_from create scale show switchover start stop backup restore delete version completion help" -f -a "restore" -d 'Restore a cluster in place from a pgBackRest repository'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and not __fish_seen_subcommand_from create scale show switchover start stop backup restore delete version completion help" -f -a "delete" -d 'Delete a PostgresCluster'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and not __fish_seen_subcommand_from create scale show switchover start stop backup restore delete version completion help" -f -a "version" -d 'Print the client version, and the pgo-agent versions found in the cluster'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and not __fish_seen_subcommand_from create scale show switchover start stop backup restore delete version completion help" -f -a "completion" -d 'Print a shell completion script'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and not __fish_seen_subcommand_from create scale show switchover start stop backup restore delete version completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and __fish_seen_subcommand_from create" -f -a "postgrescluster" -d 'Create a PostgresCluster'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and __fish_seen_subcommand_from show" -f -a "cluster" -d 'Instances and conditions of a cluster (the same as `show NAME`)'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and __fish_seen_subcommand_from show" -f -a "ha" -d 'Patroni\'s view of the cluster: members, role, state, timeline, lag'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and __fish_seen_subcommand_from show" -f -a "user" -d 'Connection info of a Postgres user, from Secret <cluster>-pguser-<user>'
complete -c kubectl-pgo -n "__fish_kubectl_pgo_using_subcommand help; and __fish_seen_subcommand_from show" -f -a "backup" -d 'pgBackRest backups of a cluster (`pgbackrest info`)'
