package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/charts"
	"github.com/milvus-eks/milvus-eks/infra/components/backup"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster"
	"github.com/milvus-eks/milvus-eks/infra/components/ebscsi"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa"
	"github.com/milvus-eks/milvus-eks/infra/components/karpenter"
	"github.com/milvus-eks/milvus-eks/infra/components/lbcontroller"
	"github.com/milvus-eks/milvus-eks/infra/components/metricsserver"
	"github.com/milvus-eks/milvus-eks/infra/components/milvus"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring"
	"github.com/milvus-eks/milvus-eks/infra/components/network"
	"github.com/milvus-eks/milvus-eks/infra/components/storage"
	"github.com/milvus-eks/milvus-eks/infra/offline/mockcloud"
	contract "github.com/milvus-eks/milvus-eks/infra/stack/outputs"
)

// Resource types, spelled once: the providers' here, the components' by
// their own constants.
const (
	typeVpc               = "aws:ec2/vpc:Vpc"
	typeSubnet            = "aws:ec2/subnet:Subnet"
	typeNatGateway        = "aws:ec2/natGateway:NatGateway"
	typeRouteTable        = "aws:ec2/routeTable:RouteTable"
	typeBucket            = "aws:s3/bucketV2:BucketV2"
	typeOwnership         = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	typeACL               = "aws:s3/bucketAclV2:BucketAclV2"
	typePublicAccessBlock = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeEncryption        = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	typeBucketPolicy      = "aws:s3/bucketPolicy:BucketPolicy"
	typeLifecycle         = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	typeVersioning        = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	typeObjectLock        = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"
	typeCronJob           = "kubernetes:batch/v1:CronJob"
	typeConfigMap         = "kubernetes:core/v1:ConfigMap"
	typeRandomPassword    = "random:index/randomPassword:RandomPassword"
	typePolicy            = "aws:iam/policy:Policy"
	typeRole              = "aws:iam/role:Role"
	typeAttachment        = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typeAddon             = "aws:eks/addon:Addon"
	typeEKSCluster        = "eks:index:Cluster"
	typeNodeGroup         = "eks:index:ManagedNodeGroup"
	typeOIDCProvider      = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
	typeK8sProvider       = "pulumi:providers:kubernetes"
	typeNamespace         = "kubernetes:core/v1:Namespace"
	typeServiceAccount    = "kubernetes:core/v1:ServiceAccount"
	typeSecret            = "kubernetes:core/v1:Secret"
	typeService           = "kubernetes:core/v1:Service"
	typeLaunchTemplate    = "aws:ec2/launchTemplate:LaunchTemplate"
	typeRelease           = "kubernetes:helm.sh/v3:Release"
	typeNetworkPolicy     = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
	typeBudget            = "kubernetes:policy/v1:PodDisruptionBudget"
	typeNetworkComp       = network.TypeToken
	typeClusterComp       = cluster.TypeToken
	typeStorageComp       = storage.TypeToken
	typeIRSAComp          = irsa.TypeToken
	typeMilvusComp        = milvus.TypeToken
	typeEbsCsiComp        = ebscsi.TypeToken
	typeLbcComp           = lbcontroller.TypeToken
	typeStorageClass      = "kubernetes:storage.k8s.io/v1:StorageClass"
	typeStorageClassPatch = "kubernetes:storage.k8s.io/v1:StorageClassPatch"
	milvusRoleArn         = "arn:aws:iam::000000000000:role/milvus-s3"
	generatedBucketName   = "milvus-bucket-" + mockcloud.BucketSuffix
)

func TestResourceCounts(t *testing.T) {
	common := map[string]int{
		typeNetworkComp: 1, typeVpc: 1, "aws:ec2/internetGateway:InternetGateway": 1,
		typeSubnet: 6, typeRouteTable: 4, "aws:ec2/routeTableAssociation:RouteTableAssociation": 6,
		// S3's gateway endpoint, on the private route tables
		"aws:ec2/vpcEndpoint:VpcEndpoint": 1,
		typeClusterComp:                   1, typeEKSCluster: 1, typeNodeGroup: 1, typeK8sProvider: 1,
		typeStorageComp: 1, typeBucket: 1, typeOwnership: 1, typeACL: 1,
		typePublicAccessBlock: 1, typeEncryption: 1, typeBucketPolicy: 1, typeLifecycle: 1,
		// the node roles (the node group's, Karpenter's) and five IRSA
		// roles (Milvus, the VPC CNI, the EBS CSI driver, the load
		// balancer controller, Karpenter), each with its policies attached;
		// each node role has two, the CNI's its own, Karpenter's five
		typeRole: 7, typeAttachment: 13, typeIRSAComp: 5,
		// the cluster's IAM OIDC provider, which those roles trust
		typeOIDCProvider: 1,
		// the nodes' own launch template (IMDSv2, hop limit 1)
		typeLaunchTemplate: 1,
		// the S3 access policy, the load balancer controller's and
		// Karpenter's five
		typePolicy: 7,
		// vpc-cni, aws-ebs-csi-driver and metrics-server
		typeAddon:      3,
		typeEbsCsiComp: 1, typeStorageClass: 1, typeStorageClassPatch: 1,
		typeLbcComp: 1,
		// the load balancer controller's, Karpenter's and Milvus'
		typeRelease:    3,
		typeMilvusComp: 1, typeNamespace: 1, typeServiceAccount: 1, typeService: 1,
		// the Secret with Milvus' root password
		typeSecret: 1,
		// the namespace's default deny, DNS, Milvus, its API and etcd
		typeNetworkPolicy: 5,
		// Karpenter: its release, the nodes' role with the node group's
		// two policies and an EC2_LINUX access entry, the controller's
		// five published policies on its IRSA role, the interruption
		// queue with its policy and five rules with their targets, the
		// discovery tags (three subnets, the cluster security group), the
		// node class and two pools; metrics-server, an add-on
		karpenter.TypeToken: 1, metricsserver.TypeToken: 1,
		"aws:eks/accessEntry:AccessEntry": 1, "aws:sqs/queue:Queue": 1, "aws:sqs/queuePolicy:QueuePolicy": 1,
		"aws:cloudwatch/eventRule:EventRule": 5, "aws:cloudwatch/eventTarget:EventTarget": 5, "aws:ec2/tag:Tag": 4,
		"kubernetes:karpenter.k8s.aws/v1:EC2NodeClass": 1, "kubernetes:karpenter.sh/v1:NodePool": 2,
	}
	natGateways := map[string]int{"dev": 1, "prod": 3}
	// dev generates its root password; prod versions its bucket,
	// replicates each of Milvus' five components, each with its budget, and
	// runs backups: a second bucket (always versioned) with its settings,
	// two IRSA roles, each with its policy and ServiceAccount, the backup
	// pods' two NetworkPolicies, the tool's ConfigMap and the CronJob; and
	// is monitored: a workspace logging to its group, the collector with
	// its ClusterRole, binding and two NetworkPolicies, kube-state-metrics
	// (namespace, ServiceAccount, Role and binding in Milvus' namespace,
	// NetworkPolicy, Deployment), the rules, the topic with its policy and subscription,
	// the alert manager definition, and the log shipping (four groups, an
	// IRSA role with its attachment, the add-on).
	perStack := map[string]map[string]int{
		"dev": {typeRandomPassword: 1, typeBudget: 1},
		"prod": {typeVersioning: 2, typeBudget: 5,
			backup.TypeToken: 1, typeStorageComp: 1, typeBucket: 1, typeOwnership: 1, typeACL: 1,
			typePublicAccessBlock: 1, typeEncryption: 1, typeBucketPolicy: 1, typeLifecycle: 1,
			typePolicy: 2, typeRole: 3, typeAttachment: 3, typeIRSAComp: 3, typeServiceAccount: 3,
			typeNetworkPolicy: 5, typeConfigMap: 1, typeCronJob: 1,
			monitoring.TypeToken: 1, "aws:amp/workspace:Workspace": 1, "aws:cloudwatch/logGroup:LogGroup": 5,
			"aws:amp/scraper:Scraper": 1, "aws:amp/ruleGroupNamespace:RuleGroupNamespace": 1, "aws:amp/alertManagerDefinition:AlertManagerDefinition": 1,
			"aws:sns/topic:Topic": 1, "aws:sns/topicPolicy:TopicPolicy": 1, "aws:sns/topicSubscription:TopicSubscription": 1,
			"kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": 1, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": 1,
			"kubernetes:rbac.authorization.k8s.io/v1:Role": 1, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": 1,
			typeNamespace: 1, "kubernetes:apps/v1:Deployment": 1, typeAddon: 1},
	}
	for _, name := range stacks {
		t.Run(name, func(t *testing.T) {
			want := map[string]int{}
			for k, v := range common {
				want[k] = v
			}
			want[typeNatGateway] = natGateways[name]
			want["aws:ec2/eip:Eip"] = natGateways[name]
			for k, v := range perStack[name] {
				want[k] += v
			}
			assert.Equal(t, want, deploy(t, name).TypeCounts())
		})
	}
}

func TestComponentsParentEveryResource(t *testing.T) {
	// Components that are children of other components, and of which: each
	// IRSA role belongs to the component whose pods assume it.
	nested := map[string]string{
		"ebs-csi-driver":           typeEbsCsiComp,
		"load-balancer-controller": typeLbcComp,
		"cluster-vpc-cni":          typeClusterComp,
		"milvus-s3":                typeMilvusComp,
		"backup":                   backup.TypeToken,
		"backup-restore":           backup.TypeToken,
		"monitoring-logs":          monitoring.TypeToken,
		"karpenter":                karpenter.TypeToken,
	}
	for _, name := range stacks {
		d := deploy(t, name)
		stackURN := "urn:pulumi:" + name + "::milvus::pulumi:pulumi:Stack::milvus-" + name
		types := map[string]string{}
		for _, r := range d.Resources {
			types[r.URN] = r.Type
		}
		for _, r := range d.Resources {
			parentType := types[r.Parent]
			switch {
			case !strings.HasPrefix(r.Type, "milvus-eks:"):
				assert.True(t, strings.HasPrefix(parentType, "milvus-eks:"), "%s: %s %s has parent %q, not a component", name, r.Type, r.Name, r.Parent)
			case r.Type == typeIRSAComp && nested[r.Name] != "":
				assert.Equal(t, nested[r.Name], parentType, "%s: role %s belongs to its user", name, r.Name)
			case r.Type == typeStorageComp && r.Name == "backup-bucket":
				assert.Equal(t, backup.TypeToken, parentType, "%s: the backups' bucket belongs to the backups", name)
			default:
				assert.Equal(t, stackURN, r.Parent, "%s: component %s %s is a child of the stack", name, r.Type, r.Name)
			}
		}
	}
}

func TestS3PolicyIsExactlyTheGuides(t *testing.T) {
	for _, name := range stacks {
		policy := deploy(t, name).one(t, typePolicy, "storage-access")
		assert.JSONEq(t, `{
		  "Version": "2012-10-17",
		  "Statement": [
		    {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::`+generatedBucketName+`"]},
		    {"Effect": "Allow", "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::`+generatedBucketName+`/*"]}
		  ]
		}`, policy.Input("policy").StringValue(), name)
	}
}

// Each IRSA role trusts exactly one ServiceAccount, through this cluster's
// OIDC provider, for STS, and nothing else.
func TestIRSARolesTrustOnlyTheirServiceAccount(t *testing.T) {
	const issuer = "oidc.eks.us-east-2.amazonaws.com/id/" + mockcloud.OidcID
	subjects := map[string]string{
		"milvus-s3":                "system:serviceaccount:milvus:milvus-s3-access-sa",
		"ebs-csi-driver":           "system:serviceaccount:kube-system:ebs-csi-controller-sa",
		"load-balancer-controller": "system:serviceaccount:kube-system:aws-load-balancer-controller",
	}
	for _, name := range stacks {
		d := deploy(t, name)
		for role, subject := range subjects {
			assert.Equal(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",`+
				`"Principal":{"Federated":"arn:aws:iam::000000000000:oidc-provider/`+issuer+`"},`+
				`"Action":["sts:AssumeRoleWithWebIdentity"],`+
				`"Condition":{"StringEquals":{"`+issuer+`:aud":"sts.amazonaws.com","`+issuer+`:sub":"`+subject+`"}}}]}`,
				d.one(t, typeRole, role).Input("assumeRolePolicy").StringValue(), "%s: %s", name, role)
		}
	}
}

func TestMilvusRoleHasTheS3PolicyAttached(t *testing.T) {
	for _, name := range stacks {
		attachment := deploy(t, name).one(t, typeAttachment, "milvus-s3-s3")
		assert.Equal(t, "milvus-s3", attachment.Input("role").StringValue(), name)
		assert.Equal(t, "arn:aws:iam::000000000000:policy/storage-access", attachment.Input("policyArn").StringValue(), name)
	}
}

func TestServiceAccountCarriesTheRole(t *testing.T) {
	for _, name := range stacks {
		sa := deploy(t, name).one(t, typeServiceAccount, "milvus")
		assert.Equal(t, map[string]any{
			"name":        "milvus-s3-access-sa",
			"namespace":   "milvus",
			"annotations": map[string]any{"eks.amazonaws.com/role-arn": milvusRoleArn},
		}, mockcloud.Plain(sa.Input("metadata")), name)
	}
}

func TestKubernetesResourcesUseTheClusterProvider(t *testing.T) {
	for _, name := range stacks {
		d := deploy(t, name)
		provider := d.only(t, typeK8sProvider)
		assert.True(t, provider.Input("kubeconfig").IsSecret(), "%s: the provider's kubeconfig is a secret", name)
		assert.Equal(t, d.Outputs["kubeconfig"], mockcloud.Secret{Value: mockcloud.Plain(provider.Input("kubeconfig"))},
			"%s: the provider's kubeconfig is the cluster's", name)
		count := 0
		for _, r := range d.Resources {
			if !strings.HasPrefix(r.Type, "kubernetes:") {
				continue
			}
			count++
			assert.True(t, strings.HasPrefix(r.Provider, provider.URN+"::"), "%s: %s %s uses provider %q", name, r.Type, r.Name, r.Provider)
		}
		// The release and the objects of the add-ons and of Milvus: 8, and
		// five NetworkPolicies; prod's budgets for its five replicated
		// components, its backups' ServiceAccounts, NetworkPolicies,
		// ConfigMap and CronJob, and its monitoring's ClusterRole and
		// binding, two NetworkPolicies, and kube-state-metrics' six objects;
		// in both, Karpenter's release, node class and two pools; in dev,
		// the autoscaled proxies' budget.
		assert.Equal(t, map[string]int{"dev": 18, "prod": 38}[name], count, "%s: Kubernetes resources checked", name)
	}
}

func TestReleaseInstallsThePinnedChart(t *testing.T) {
	for _, name := range stacks {
		release := deploy(t, name).one(t, typeRelease, "milvus")
		inputs := mockcloud.Plain(release.Input()).(map[string]any)
		delete(inputs, "values") // TestHelmValues checks them key by key
		assert.Equal(t, map[string]any{
			"name":      "milvus",
			"namespace": "milvus",
			"chart":     "infra/charts/milvus-5.0.19.tgz", // the vendored archive, from the project's root
			"version":   "5.0.19",
			"atomic":    true,
			"timeout":   float64(1800),
			"compat":    "true", // set by the SDK itself on every Release
		}, inputs, name)
	}
}

// A chart archive that is not the reviewed one stops the program before it
// declares anything: the release would install other bytes than those the
// tests rendered.
func TestAChangedChartArchiveStopsTheProgram(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, charts.Dir), 0o755))
	for _, archive := range []charts.Archive{milvusChart, controllerChart} {
		raw, err := os.ReadFile(filepath.Join(projectDir, archive.Path()))
		require.NoError(t, err)
		if archive == milvusChart {
			raw = append(raw, 0)
		}
		require.NoError(t, os.WriteFile(filepath.Join(root, archive.Path()), raw, 0o644))
	}
	s, err := run("dev", stackConfig(t, "dev", nil), mockcloud.InRoot(root))
	require.Error(t, err)
	assert.Regexp(t, `chart milvus 5\.0\.19: infra/charts/milvus-5\.0\.19\.tgz has sha256 [0-9a-f]{64}, but infra/charts/SHA256SUMS holds `+milvusChart.SHA256, err.Error())
	assert.Empty(t, s.Resources, "nothing is declared")
}

// Static credentials would defeat IRSA: no input anywhere may carry one.
func TestNoStaticCredentials(t *testing.T) {
	// The chart's externalS3.accessKey/secretKey, and the AWS SDKs' names.
	credentialKey := regexp.MustCompile(`(?i)"(access_?key(_?id)?|secret_?key|secret_?access_?key|aws_access_key_id|aws_secret_access_key)"\s*:`)
	for _, name := range stacks {
		for _, r := range deploy(t, name).Resources {
			raw, err := json.Marshal(mockcloud.Plain(r.Input()))
			require.NoError(t, err)
			assert.NotRegexp(t, credentialKey, string(raw), "%s: %s %s", name, r.Type, r.Name)
		}
	}
}

func TestOutputs(t *testing.T) {
	const issuerHost = "oidc.eks.us-east-2.amazonaws.com/id/" + mockcloud.OidcID
	d := deploy(t, "prod")
	kubeconfig, ok := d.Outputs["kubeconfig"].(mockcloud.Secret)
	require.True(t, ok, "kubeconfig is exported as a secret")
	// The kubeconfig the provider uses, and the stack hands out, runs `aws
	// eks get-token` for the cluster with the caller's own credentials: it
	// names no profile and no role of whoever created the cluster.
	assert.Contains(t, kubeconfig.Value, `"args":["eks","get-token","--cluster-name","milvus-prod","--region","us-east-2","--output","json"]`)
	assert.NotContains(t, kubeconfig.Value, "AWS_PROFILE")
	assert.NotContains(t, kubeconfig.Value, "--role")
	assert.Equal(t, kubeconfig.Value, mockcloud.Plain(d.only(t, typeK8sProvider).Input("kubeconfig")))
	assert.Equal(t, mockcloud.Secret{Value: testRootPassword}, d.Outputs["milvusRootPassword"], "the root password is exported as a secret")

	outputs := map[string]any{}
	for k, v := range d.Outputs {
		outputs[k] = v
	}
	delete(outputs, "kubeconfig")
	delete(outputs, "milvusRootPassword")
	for _, o := range contract.Contract {
		switch o.When {
		case contract.Backups:
			delete(outputs, o.Name) // TestBackupOutputs
		case contract.Monitoring, contract.PodLogs:
			delete(outputs, o.Name) // TestMonitoringOutputs
		case contract.NodePools:
			delete(outputs, o.Name) // TestKarpenterOutputs
		}
	}
	assert.Equal(t, map[string]any{
		"region":               "us-east-2",
		"clusterName":          "milvus-prod",
		"oidcProviderArn":      "arn:aws:iam::000000000000:oidc-provider/" + issuerHost,
		"oidcIssuer":           "https://" + issuerHost,
		"vpcId":                "network-id",
		"publicSubnetIds":      []string{"network-public-0-id", "network-public-1-id", "network-public-2-id"},
		"privateSubnetIds":     []string{"network-private-0-id", "network-private-1-id", "network-private-2-id"},
		"bucketName":           generatedBucketName,
		"bucketArn":            "arn:aws:s3:::" + generatedBucketName,
		"s3PolicyArn":          "arn:aws:iam::000000000000:policy/storage-access",
		"milvusRoleArn":        milvusRoleArn,
		"milvusRootPath":       "milvus/prod",
		"milvusMessageQueue":   "woodpecker",
		"milvusNamespace":      "milvus",
		"milvusServiceAccount": "milvus-s3-access-sa",
		"milvusChartVersion":   "5.0.19",
		// The NLB is named by loadBalancerName; prod's speaks TLS, and
		// clients name the host its certificate is for.
		"milvusEndpoint":                "milvus-service-0000000000000000.elb.us-east-2.amazonaws.com:19530",
		"milvusUri":                     "https://milvus.example.com:19530",
		"milvusDnsName":                 "milvus.example.com",
		"nodeLaunchTemplateId":          "cluster-nodes-id",
		"ebsCsiDriverRoleArn":           ebsCsiRoleArn,
		"loadBalancerControllerRoleArn": lbcRoleArn,
	}, outputs)
}
