//! The command tree: the root command and one subcommand per verb. Parsing only; no I/O.

use clap::{Parser, Subcommand};

use crate::cmds;
use crate::completion;
use crate::global::GlobalArgs;

/// kubectl pgo: create, inspect and operate PostgresClusters.
#[derive(Parser, Debug)]
#[command(
    name = "kubectl-pgo",
    bin_name = "kubectl pgo",
    version,
    about = "Create, inspect and operate PostgresClusters (postgres-operator.crunchydata.com/v1beta1)",
    long_about = "Create, inspect and operate PostgresClusters (postgres-operator.crunchydata.com/v1beta1).\n\n\
        Talks to the Kubernetes API with your kubeconfig, so Kubernetes RBAC decides what you may do.\n\
        Changes are made with server-side apply (field manager `kubectl-pgo`) and touch only the \
        fields a command sets.\n\n\
        Exit codes: 0 ok, 1 runtime or API error, 2 usage or validation error.",
    after_help = "Examples:\n  kubectl pgo create cluster hippo --replicas 2\n  kubectl pgo show hippo\n  \
        kubectl pgo switchover hippo\n  kubectl pgo backup hippo --options=--type=full",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a PostgresCluster (interactively when no NAME is given).
    #[command(long_about = cmds::create::LONG_ABOUT, after_help = cmds::create::EXAMPLES)]
    Create(cmds::create::Args),

    /// Set the number of instances of an instance set.
    #[command(
        long_about = "Set the number of instances (Postgres pods) of an instance set.\n\n\
            --instance-set may be left out when the cluster has one set.",
        after_help = "Examples:\n  kubectl pgo scale hippo --replicas 3\n  \
            kubectl pgo scale hippo --instance-set instance2 --replicas 2"
    )]
    Scale(cmds::scale::Args),

    /// Show a cluster's instances and conditions, its HA state, a user or its backups.
    #[command(long_about = cmds::show::LONG_ABOUT, after_help = cmds::show::EXAMPLES)]
    Show(cmds::show::Args),

    /// Switch the primary over to another instance (or fail over).
    #[command(
        long_about = "Switch the primary over to another instance, through Patroni.\n\n\
            Sets spec.patroni.switchover and the trigger-switchover annotation, as PGO does.",
        after_help = "Examples:\n  kubectl pgo switchover hippo\n  \
            kubectl pgo switchover hippo --to hippo-instance1-abcd\n  \
            kubectl pgo switchover hippo --type Failover --to hippo-instance1-abcd"
    )]
    Switchover(cmds::switchover::Args),

    /// Print the logs of every instance at once, each line prefixed with pod/container.
    #[command(
        long_about = "Print the logs of every instance pod of a cluster at once, each line \
            prefixed with pod/container. Without --follow the lines are merged by time; with \
            --follow they are printed as they come, and a container that restarts is followed \
            on. --container picks another container than database (Postgres and Patroni), e.g. \
            exporter.",
        after_help = "Examples:\n  kubectl pgo logs hippo --since 10m\n  kubectl pgo logs hippo -f\n  \
            kubectl pgo logs hippo --instance hippo-instance1-abcd --tail 100\n  \
            kubectl pgo logs hippo -c exporter"
    )]
    Logs(cmds::logs::Args),

    /// Open psql in the primary (or a replica, or an instance), as the superuser or a user's role.
    #[command(
        long_about = "Open psql in the database container of the cluster's primary (--replica: a \
            replica; --instance: that one), through `kubectl exec`, with a terminal when there is \
            one.\n\n\
            It connects as the superuser over the pod's local socket, so no password is needed, read \
            or shown; --user takes that user's role (its privileges) and its first database. \
            Without a terminal, stdin goes to psql. The exit code is psql's.",
        after_help = "Examples:\n  kubectl pgo psql hippo\n  kubectl pgo psql hippo --replica\n  \
            kubectl pgo psql hippo --user app -- -c 'select count(*) from orders'\n  \
            kubectl pgo psql hippo -- -At -c 'select pg_is_in_recovery()'\n  \
            kubectl pgo psql hippo < schema.sql"
    )]
    Psql(cmds::psql::Args),

    /// Restart every instance, one at a time, in the safe order (rolling restart).
    #[command(
        long_about = "Restart every Postgres instance of a running cluster, one at a time: \
            replicas first (each only once the previous one is ready and streaming), then a \
            switchover to an updated replica, then the old primary.\n\n\
            Sets the annotation kubectl.kubernetes.io/restartedAt in spec.metadata.annotations, \
            which changes every pod template, as PGO's documentation restarts a cluster.",
        after_help = "Examples:\n  kubectl pgo restart hippo\n  kubectl pgo show hippo"
    )]
    Restart(cmds::restart::Args),

    /// Start a stopped cluster (spec.shutdown=false).
    #[command(
        after_help = "Examples:\n  kubectl pgo start hippo\n  kubectl pgo start hippo -n team-a"
    )]
    Start(cmds::shutdown::Args),

    /// Stop a cluster: scale every instance to zero, keeping the data (spec.shutdown=true).
    #[command(
        long_about = "Stop a cluster: every instance is scaled to zero pods; volumes and data are \
            kept.",
        after_help = "Examples:\n  kubectl pgo stop hippo\n  kubectl pgo start hippo"
    )]
    Stop(cmds::shutdown::Args),

    /// Take a manual pgBackRest backup.
    #[command(
        long_about = "Take a manual pgBackRest backup into one of the cluster's repositories.\n\n\
            Sets spec.backups.pgbackrest.manual and the pgbackrest-backup annotation, as PGO does.",
        after_help = "Examples:\n  kubectl pgo backup hippo\n  \
            kubectl pgo backup hippo --repoName repo1 --options=--type=full"
    )]
    Backup(cmds::backup::Args),

    /// Restore a cluster in place from a pgBackRest repository.
    #[command(
        long_about = "Restore a cluster in place from a pgBackRest repository. This replaces the \
            cluster's data: it asks for confirmation unless --yes is given.",
        after_help = "Examples:\n  kubectl pgo restore hippo --repoName repo1\n  \
            kubectl pgo restore hippo --repoName repo1 --options=--type=time \
            --options='--target=\"2024-01-01 12:00:00+00\"'\n  kubectl pgo restore hippo --disable"
    )]
    Restore(cmds::restore::Args),

    /// Delete a PostgresCluster.
    #[command(
        after_help = "Examples:\n  kubectl pgo delete hippo\n  kubectl pgo delete hippo --yes -n team-a"
    )]
    Delete(cmds::delete::Args),

    /// Collect what a bug report needs: `support export NAME` writes a redacted .tar.gz.
    #[command(
        long_about = "Collect what a bug report needs. `support export NAME` writes a .tar.gz of \
            the cluster's objects, Events, logs and Patroni state, with every password, verifier \
            and private key redacted and Secrets reduced to their key names.",
        after_help = cmds::support::EXPORT_EXAMPLES
    )]
    Support(cmds::support::Args),

    /// Print the client version, and the pgo-agent versions found in the cluster.
    #[command(
        after_help = "Examples:\n  kubectl pgo version\n  kubectl pgo version --client -o json"
    )]
    Version(cmds::version::Args),

    /// Print a shell completion script.
    #[command(
        long_about = "Print a shell completion script for kubectl-pgo. The scripts ask \
            `kubectl-pgo __complete` for candidates, so cluster, instance, repository and \
            namespace names come from the API server.\n\n\
            For `kubectl pgo <TAB>` (kubectl 1.26+, with kubectl's own completion loaded), put \
            `kubectl_complete-pgo` on PATH next to kubectl-pgo.",
        after_help = "Examples:\n  source <(kubectl-pgo completion bash)\n  \
            kubectl-pgo completion zsh > \"${fpath[1]}/_kubectl-pgo\"\n  \
            kubectl-pgo completion fish > ~/.config/fish/completions/kubectl-pgo.fish\n  \
            kubectl-pgo completion kubectl > ~/bin/kubectl_complete-pgo && chmod +x ~/bin/kubectl_complete-pgo"
    )]
    Completion(completion::Args),
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod crunchy_tests;
