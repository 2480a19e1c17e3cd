// Package backup declares Milvus' scheduled backups: milvus-backup as a
// CronJob in Milvus' namespace, under an IRSA role of its own that reads
// Milvus' objects and writes only the backups; a second role for restores;
// the tool's backup.yaml in a ConfigMap; the backup pods' NetworkPolicies;
// and, unless the backups share Milvus' bucket, a bucket of their own with
// the same protections.
package backup

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/components/backup/backupfile"
	"github.com/milvus-eks/milvus-eks/infra/components/backup/backupjob"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa/trust"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus/milvusvalues"
	"github.com/milvus-eks/milvus-eks/infra/components/podspec"
	"github.com/milvus-eks/milvus-eks/infra/components/storage"
	"github.com/milvus-eks/milvus-eks/infra/components/storage/s3policy"
	"github.com/milvus-eks/milvus-eks/infra/facts"
	"github.com/milvus-eks/milvus-eks/infra/iampolicy"
	"github.com/milvus-eks/milvus-eks/infra/sizing"
)

// TypeToken is the Backup component's type.
const TypeToken = "milvus-eks:backup:Backup"

// Limits of every run that are not configuration.
const (
	// startingDeadlineSeconds: a run the controller could not start within
	// an hour of its time (the control plane was down) is skipped, not
	// started late on top of the next.
	startingDeadlineSeconds = 3600
	// activeDeadlineSeconds: a run still going after six hours is stopped
	// and counts as failed, which verify and the alerts see; GC resumes
	// when the tool's pause lapses (an hour after its last renewal).
	activeDeadlineSeconds = 6 * 3600
	// historyLimit runs of each outcome are kept, with their logs.
	historyLimit = 3
	// backoffLimit: one retry of a failed run, then the run fails.
	backoffLimit = 1
	// unprivilegedID is nobody in the tool's Alpine image: the image has no
	// user of its own and would run as root.
	unprivilegedID = 65534
)

// Args are the job's settings and what it backs up.
type Args struct {
	// Namespace is Milvus' namespace as its component outputs it, so that
	// every object here waits for it; NamespaceName is the same name, known
	// before the namespace exists, which the roles' trust policies name.
	Namespace     pulumi.StringOutput
	NamespaceName string
	// ReleaseName is Milvus' release, whose proxies the tool talks to.
	ReleaseName string
	Region      string
	// Schedule is a cron schedule in UTC (infra/schedule); Keep how many of
	// its backups remain after each run.
	Schedule string
	Keep     int
	// Image is milvus-backup's, pinned.
	Image string
	// Bucket, when set, is the backups' own bucket; nil puts them in
	// Milvus' bucket.
	Bucket *storage.Args
	// Prefix is where in their bucket the backups go.
	Prefix string
	// ReplicaRegion, with a bucket of their own, is where S3 keeps a copy
	// of every backup: a second bucket there, with the same protections.
	ReplicaRegion string
	// MilvusBucketName and MilvusBucketArn are Milvus' bucket, RootPath
	// where in it Milvus' objects are, and KmsKeyArn the key encrypting
	// both buckets, if any.
	MilvusBucketName pulumi.StringInput
	MilvusBucketArn  pulumi.StringInput
	RootPath         string
	KmsKeyArn        string
	// Authentication says that Milvus checks users, with root's password
	// in the Secret the Milvus component keeps it in.
	Authentication bool
	// Cluster is where the job runs, and whose OIDC provider vouches for
	// its ServiceAccounts; NodeSelector keeps its pod on Milvus' core
	// pool, when Karpenter runs the pools.
	Cluster      cluster.Access
	NodeSelector map[string]string
}

// Backup is the scheduled backups.
type Backup struct {
	pulumi.ResourceState

	// BucketName is where the backups are, under Prefix.
	BucketName pulumi.StringOutput `pulumi:"bucketName"`
	Prefix     pulumi.StringOutput `pulumi:"prefix"`
	// CronJobName is the CronJob in Milvus' namespace.
	CronJobName pulumi.StringOutput `pulumi:"cronJobName"`
	// RoleArn is the backup job's role, RestoreRoleArn a restore's.
	RoleArn        pulumi.StringOutput `pulumi:"roleArn"`
	RestoreRoleArn pulumi.StringOutput `pulumi:"restoreRoleArn"`
	// ReplicaBucketName is the copy in ReplicaRegion; unset without one.
	ReplicaBucketName pulumi.StringOutput `pulumi:"replicaBucketName"`
}

// New declares the backups.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Backup, error) {
	b := &Backup{}
	if err := ctx.RegisterComponentResource(TypeToken, name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)
	k8s := []pulumi.ResourceOption{parent, pulumi.Provider(args.Cluster.Provider)}

	bucketName, bucketArn := args.MilvusBucketName.ToStringOutput(), args.MilvusBucketArn.ToStringOutput()
	if args.Bucket != nil {
		own := *args.Bucket
		if args.ReplicaRegion != "" {
			replica, err := declareReplica(ctx, name, args, parent)
			if err != nil {
				return nil, err
			}
			own.ReplicateTo = &storage.Replication{BucketArn: replica.BucketArn, Prefix: args.Prefix}
			b.ReplicaBucketName = replica.BucketName
		}
		bucket, err := storage.New(ctx, name+"-bucket", own, parent)
		if err != nil {
			return nil, err
		}
		bucketName, bucketArn = bucket.BucketName, bucket.BucketArn
	}
	// A role's policy document, over the two buckets' ARNs.
	policyOf := func(document func(s3policy.Buckets) iampolicy.Document) pulumi.StringOutput {
		return pulumi.All(args.MilvusBucketArn, bucketArn).ApplyT(func(v []any) string {
			return document(s3policy.Buckets{MilvusArn: v[0].(string), RootPath: args.RootPath,
				BackupArn: v[1].(string), BackupPrefix: args.Prefix, KmsKeyArn: args.KmsKeyArn}).JSON()
		}).(pulumi.StringOutput)
	}

	release := args.ReleaseName
	roleArn, err := declareRole(ctx, name, args, backupjob.BackupServiceAccount(release), "Lets milvus-backup read Milvus' objects and write its backups",
		policyOf(s3policy.BackupAccess), parent, k8s)
	if err != nil {
		return nil, err
	}
	restoreRoleArn, err := declareRole(ctx, name+"-restore", args, backupjob.RestoreServiceAccount(release), "Lets milvus-backup restore: read the backups, copy them into Milvus' bucket",
		policyOf(s3policy.RestoreAccess), parent, k8s)
	if err != nil {
		return nil, err
	}

	file := pulumi.All(args.MilvusBucketName, bucketName).ApplyT(func(v []any) string {
		return backupfile.Of(backupfile.Settings{
			Region:     args.Region,
			MilvusHost: milvusvalues.ChartServiceName(release), Port: facts.MilvusPort, ManagementPort: facts.MilvusMetricsPort,
			MilvusBucket: v[0].(string), RootPath: args.RootPath,
			BackupBucket: v[1].(string), BackupPrefix: args.Prefix,
		}).YAML()
	}).(pulumi.StringOutput)
	configMap, err := corev1.NewConfigMap(ctx, name, &corev1.ConfigMapArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(backupjob.ConfigMapName(release)), Namespace: args.Namespace},
		Data:     pulumi.StringMap{configKey: file},
	}, k8s...)
	if err != nil {
		return nil, err
	}

	for _, p := range backupjob.NetworkPolicies(release) {
		if _, err := milvus.NewNetworkPolicy(ctx, p, args.Namespace, k8s...); err != nil {
			return nil, err
		}
	}

	cronJob, err := batchv1.NewCronJob(ctx, name, &batchv1.CronJobArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(backupjob.CronJobName(release)),
			Namespace: args.Namespace,
			Labels:    pulumi.ToStringMap(backupjob.PodLabels(release)),
			// The restore Job's ServiceAccount; its role's ARN makes a
			// restore wait for the role, like the backup's below.
			Annotations: pulumi.StringMap{backupjob.RestoreServiceAccountAnnotation: restoreRoleArn.ApplyT(func(string) string {
				return backupjob.RestoreServiceAccount(release)
			}).(pulumi.StringOutput)},
		},
		Spec: cronJobSpec(args, roleArn, configMap.Metadata.Name().Elem()),
	}, k8s...)
	if err != nil {
		return nil, err
	}

	b.BucketName = bucketName
	b.Prefix = pulumi.String(args.Prefix).ToStringOutput()
	b.CronJobName = cronJob.Metadata.Name().Elem()
	b.RoleArn = roleArn
	b.RestoreRoleArn = restoreRoleArn
	outputs := pulumi.Map{
		"bucketName":     b.BucketName,
		"prefix":         b.Prefix,
		"cronJobName":    b.CronJobName,
		"roleArn":        b.RoleArn,
		"restoreRoleArn": b.RestoreRoleArn,
	}
	if args.ReplicaRegion != "" {
		outputs["replicaBucketName"] = b.ReplicaBucketName
	}
	return b, ctx.RegisterResourceOutputs(b, outputs)
}

// declareReplica declares the backups' copy: a bucket like theirs in the
// replica region, through a provider for that region (an explicit one,
// which reads no aws:* stack setting: it takes its credentials from the
// environment, as the default provider does).
func declareReplica(ctx *pulumi.Context, name string, args Args, parent pulumi.ResourceOption) (*storage.Storage, error) {
	region, err := aws.NewProvider(ctx, name+"-replica-region", &aws.ProviderArgs{Region: pulumi.String(args.ReplicaRegion)}, parent)
	if err != nil {
		return nil, err
	}
	copyArgs := *args.Bucket
	copyArgs.ReplicateTo = nil
	return storage.New(ctx, name+"-replica", copyArgs, parent, pulumi.Providers(region))
}

// configKey is backup.yaml's key in the ConfigMap.
const configKey = "backup.yaml"

// declareRole declares a policy document, the IRSA role that carries it and the
// ServiceAccount bound to the role, and returns the role's ARN once the
// ServiceAccount names it.
func declareRole(ctx *pulumi.Context, name string, args Args, serviceAccount, description string,
	document pulumi.StringOutput, parent pulumi.ResourceOption, k8s []pulumi.ResourceOption) (pulumi.StringOutput, error) {
	policy, err := iam.NewPolicy(ctx, name+"-s3", &iam.PolicyArgs{
		Description: pulumi.String(description),
		Policy:      document,
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	role, err := irsa.New(ctx, name, irsa.Args{
		OidcProviderArn: args.Cluster.OidcProviderArn,
		OidcIssuerURL:   args.Cluster.OidcIssuerURL,
		Namespace:       args.NamespaceName,
		ServiceAccount:  serviceAccount,
		Policies:        []irsa.Policy{{Name: "s3", Arn: policy.Arn}},
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	sa, err := corev1.NewServiceAccount(ctx, name, &corev1.ServiceAccountArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:        pulumi.String(serviceAccount),
			Namespace:   args.Namespace,
			Annotations: pulumi.StringMap{trust.RoleArnAnnotation: role.Arn},
		},
		// The tool needs AWS, not the Kubernetes API: IRSA's web identity
		// token is a volume of its own, which EKS' webhook adds.
		AutomountServiceAccountToken: pulumi.Bool(false),
	}, k8s...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return pulumi.All(role.Arn, sa.Metadata.Name()).ApplyT(func(v []any) string { return v[0].(string) }).(pulumi.StringOutput), nil
}

// cronJobSpec is the schedule and the pod that runs the script. roleArn is
// only waited for: the ServiceAccount carries it.
func cronJobSpec(args Args, roleArn, configMap pulumi.StringOutput) batchv1.CronJobSpecArgs {
	release := args.ReleaseName
	labels := pulumi.ToStringMap(backupjob.PodLabels(release))
	size := sizing.BackupJob
	var env corev1.EnvVarArray
	if args.Authentication {
		env = corev1.EnvVarArray{corev1.EnvVarArgs{
			Name: pulumi.String(backupfile.PasswordVariable),
			ValueFrom: &corev1.EnvVarSourceArgs{SecretKeyRef: &corev1.SecretKeySelectorArgs{
				Name: pulumi.String(milvusvalues.RootPasswordSecretName(release)),
				Key:  pulumi.String(milvusvalues.RootPasswordSecretKey),
			}},
		}}
	}
	return batchv1.CronJobSpecArgs{
		Schedule:                   pulumi.String(args.Schedule),
		TimeZone:                   pulumi.String("Etc/UTC"),
		ConcurrencyPolicy:          pulumi.String("Forbid"),
		StartingDeadlineSeconds:    pulumi.Int(startingDeadlineSeconds),
		SuccessfulJobsHistoryLimit: pulumi.Int(historyLimit),
		FailedJobsHistoryLimit:     pulumi.Int(historyLimit),
		JobTemplate: batchv1.JobTemplateSpecArgs{
			Metadata: &metav1.ObjectMetaArgs{Labels: labels},
			Spec: batchv1.JobSpecArgs{
				BackoffLimit:          pulumi.Int(backoffLimit),
				ActiveDeadlineSeconds: pulumi.Int(activeDeadlineSeconds),
				Template: corev1.PodTemplateSpecArgs{
					Metadata: &metav1.ObjectMetaArgs{Labels: labels},
					Spec: corev1.PodSpecArgs{
						NodeSelector: podspec.NodeSelector(args.NodeSelector),
						ServiceAccountName: roleArn.ApplyT(func(string) string {
							return backupjob.BackupServiceAccount(release)
						}).(pulumi.StringOutput),
						AutomountServiceAccountToken: pulumi.Bool(false),
						RestartPolicy:                pulumi.String("Never"),
						SecurityContext: corev1.PodSecurityContextArgs{
							RunAsNonRoot:   pulumi.Bool(true),
							RunAsUser:      pulumi.Int(unprivilegedID),
							RunAsGroup:     pulumi.Int(unprivilegedID),
							FsGroup:        pulumi.Int(unprivilegedID),
							SeccompProfile: corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
						},
						Containers: corev1.ContainerArray{corev1.ContainerArgs{
							Name:            pulumi.String(backupjob.ContainerName),
							Image:           pulumi.String(args.Image),
							Command:         pulumi.ToStringArray([]string{"/bin/sh", "-c", backupjob.Script(args.Keep)}),
							Env:             env,
							Resources:       podspec.Resources(size),
							SecurityContext: podspec.Unprivileged(),
							VolumeMounts: corev1.VolumeMountArray{
								corev1.VolumeMountArgs{Name: pulumi.String("config"), MountPath: pulumi.String(backupfile.Path), SubPath: pulumi.String(configKey), ReadOnly: pulumi.Bool(true)},
								corev1.VolumeMountArgs{Name: pulumi.String("tmp"), MountPath: pulumi.String("/tmp")},
							},
						}},
						Volumes: corev1.VolumeArray{
							corev1.VolumeArgs{Name: pulumi.String("config"), ConfigMap: corev1.ConfigMapVolumeSourceArgs{Name: configMap}},
							corev1.VolumeArgs{Name: pulumi.String("tmp"), EmptyDir: corev1.EmptyDirVolumeSourceArgs{SizeLimit: pulumi.String(size.EphemeralStorageLimit)}},
						},
					},
				},
			},
		},
	}
}
