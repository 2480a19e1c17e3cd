// Package lbcontroller installs the AWS Load Balancer Controller, which turns
// Milvus' LoadBalancer Service into a Network Load Balancer: the Service's
// "aws-load-balancer-type: external" annotation hands it to this controller,
// and the in-tree one leaves it alone, so without it the Service would never
// get an address.
package lbcontroller

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/milvus-eks/milvus-eks/infra/charts"
	"github.com/milvus-eks/milvus-eks/infra/components/cluster"
	"github.com/milvus-eks/milvus-eks/infra/components/irsa"
	"github.com/milvus-eks/milvus-eks/infra/components/lbcontroller/controllervalues"
	"github.com/milvus-eks/milvus-eks/infra/iampolicy/controllerpolicy"
)

// TypeToken is the Controller component's type.
const TypeToken = "milvus-eks:lbcontroller:Controller"

// installTimeoutSeconds bounds the chart's install: two controller replicas
// and a webhook, which start in well under a minute on running nodes.
const installTimeoutSeconds = 600

// Args say which controller to install on which cluster.
type Args struct {
	// Chart is the vendored chart archive the release installs; its
	// controller's IAM policy is embedded in controllerpolicy (a test holds
	// the two lists equal).
	Chart  charts.Archive
	Region string
	// VpcID is where the controller makes load balancers.
	VpcID pulumi.StringInput
	// Cluster's nodes run the controller's pods.
	Cluster cluster.Access
}

// Controller is the installed controller.
type Controller struct {
	pulumi.ResourceState

	RoleArn      pulumi.StringOutput `pulumi:"roleArn"`
	PolicyArn    pulumi.StringOutput `pulumi:"policyArn"`
	ChartVersion pulumi.StringOutput `pulumi:"chartVersion"`

	// Release is what a Service that wants a load balancer must wait for.
	Release *helmv3.Release
}

// New declares the controller.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Controller, error) {
	c := &Controller{}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	document, err := controllerpolicy.ForChart(args.Chart.Version)
	if err != nil {
		return nil, err
	}
	policy, err := iam.NewPolicy(ctx, name, &iam.PolicyArgs{
		Description: pulumi.String("What the AWS Load Balancer Controller of chart " + args.Chart.Version + " may do, as its release publishes it"),
		Policy:      pulumi.String(document),
	}, parent)
	if err != nil {
		return nil, err
	}
	role, err := irsa.New(ctx, name, irsa.Args{
		OidcProviderArn: args.Cluster.OidcProviderArn,
		OidcIssuerURL:   args.Cluster.OidcIssuerURL,
		Namespace:       controllervalues.Namespace,
		ServiceAccount:  controllervalues.ServiceAccountName,
		Policies:        []irsa.Policy{{Name: "policy", Arn: policy.Arn}},
	}, parent)
	if err != nil {
		return nil, err
	}

	chartValues := pulumi.All(args.Cluster.Name, args.VpcID, role.Arn).ApplyT(func(v []any) map[string]any {
		return controllervalues.Build(v[0].(string), args.Region, v[1].(string), v[2].(string)).Map()
	}).(pulumi.MapOutput)
	release, err := helmv3.NewRelease(ctx, name, &helmv3.ReleaseArgs{
		Name:      pulumi.String(controllervalues.ReleaseName),
		Namespace: pulumi.String(controllervalues.Namespace),
		Chart:     pulumi.String(args.Chart.Path()),
		Version:   pulumi.String(args.Chart.Version),
		Values:    chartValues,
		Atomic:    pulumi.Bool(true),
		Timeout:   pulumi.Int(installTimeoutSeconds),
	}, parent, pulumi.Provider(args.Cluster.Provider), pulumi.DependsOn(args.Cluster.WaitForNodes()))
	if err != nil {
		return nil, err
	}

	c.RoleArn = role.Arn
	c.PolicyArn = policy.Arn
	c.ChartVersion = release.Version.Elem()
	c.Release = release
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"roleArn":      c.RoleArn,
		"policyArn":    c.PolicyArn,
		"chartVersion": c.ChartVersion,
	})
}
