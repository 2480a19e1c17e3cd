package checks

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/amp"
	amptypes "github.com/aws/aws-sdk-go-v2/service/amp/types"
	"sigs.k8s.io/yaml"

	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/alertrules"
	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/scrapeconfig"
)

// AMP is what the monitoring checks ask Amazon Managed Service for
// Prometheus about its resources.
type AMP interface {
	DescribeScraper(context.Context, *amp.DescribeScraperInput, ...func(*amp.Options)) (*amp.DescribeScraperOutput, error)
	DescribeWorkspace(context.Context, *amp.DescribeWorkspaceInput, ...func(*amp.Options)) (*amp.DescribeWorkspaceOutput, error)
	DescribeRuleGroupsNamespace(context.Context, *amp.DescribeRuleGroupsNamespaceInput, ...func(*amp.Options)) (*amp.DescribeRuleGroupsNamespaceOutput, error)
}

// Prometheus is a workspace's Prometheus-compatible query API, at the
// workspace's endpoint.
type Prometheus interface {
	// Series is how many series an instant query returns.
	Series(ctx context.Context, endpoint, query string) (int, error)
	// AlertingRules are the names of the alerting rules the workspace
	// evaluates.
	AlertingRules(ctx context.Context, endpoint string) ([]string, error)
}

// CheckMonitoring checks a monitored stack: the managed collector is
// active; the workspace has received a Milvus series of this cluster in the
// last five minutes (an instant query's look-back); and the rules of the
// stack's rule groups namespace are loaded, every alert of it evaluated.
func CheckMonitoring(ctx context.Context, a AMP, p Prometheus, out Outputs, o Options) []Result {
	var results []Result
	scraperID := lastPart(out.MonitoringScraperArn)
	scraperCheck := "the managed collector " + scraperID
	scraper, err := call(ctx, o, func(ctx context.Context) (*amp.DescribeScraperOutput, error) {
		return a.DescribeScraper(ctx, &amp.DescribeScraperInput{ScraperId: aws.String(scraperID)})
	})
	switch {
	case err != nil:
		results = append(results, fail(scraperCheck, "ACTIVE", err.Error()))
	case scraper.Scraper == nil || scraper.Scraper.Status == nil:
		results = append(results, fail(scraperCheck, "ACTIVE", "no status"))
	case scraper.Scraper.Status.StatusCode != amptypes.ScraperStatusCodeActive:
		results = append(results, fail(scraperCheck, "ACTIVE", string(scraper.Scraper.Status.StatusCode)+": see its status reason in `aws amp describe-scraper`"))
	default:
		results = append(results, pass(scraperCheck, "ACTIVE", "ACTIVE"))
	}

	workspaceID := lastPart(out.MonitoringWorkspaceArn)
	workspace, err := call(ctx, o, func(ctx context.Context) (*amp.DescribeWorkspaceOutput, error) {
		return a.DescribeWorkspace(ctx, &amp.DescribeWorkspaceInput{WorkspaceId: aws.String(workspaceID)})
	})
	if err != nil || workspace.Workspace == nil || workspace.Workspace.PrometheusEndpoint == nil {
		found := "no endpoint"
		if err != nil {
			found = err.Error()
		}
		return append(results, fail("the workspace "+workspaceID, "an endpoint to query", found))
	}
	endpoint := *workspace.Workspace.PrometheusEndpoint

	seriesCheck := fmt.Sprintf("Milvus' series of %s in the workspace", out.ClusterName)
	query := fmt.Sprintf(`count({__name__=~"milvus_.+",job=%q,%s=%q})`, scrapeconfig.JobMilvus, scrapeconfig.ClusterLabel, out.ClusterName)
	n, err := call(ctx, o, func(ctx context.Context) (int, error) { return p.Series(ctx, endpoint, query) })
	switch {
	case err != nil:
		results = append(results, fail(seriesCheck, "received in the last five minutes", err.Error()))
	case n == 0:
		results = append(results, fail(seriesCheck, "received in the last five minutes",
			"none: the collector reaches no Milvus pod (its security group, the metrics NetworkPolicy, its access entry), or Milvus is down"))
	default:
		results = append(results, pass(seriesCheck, "received in the last five minutes", "yes"))
	}
	return append(results, checkRulesLoaded(ctx, a, p, workspaceID, endpoint, o))
}

// checkRulesLoaded compares the alerts of the stack's rule groups
// namespace with those the workspace evaluates.
func checkRulesLoaded(ctx context.Context, a AMP, p Prometheus, workspaceID, endpoint string, o Options) Result {
	check := fmt.Sprintf("the alert rules of %s/%s", workspaceID, alertrules.NamespaceName)
	ns, err := call(ctx, o, func(ctx context.Context) (*amp.DescribeRuleGroupsNamespaceOutput, error) {
		return a.DescribeRuleGroupsNamespace(ctx, &amp.DescribeRuleGroupsNamespaceInput{WorkspaceId: aws.String(workspaceID), Name: aws.String(alertrules.NamespaceName)})
	})
	if err != nil {
		return fail(check, "loaded", err.Error())
	}
	desc := ns.RuleGroupsNamespace
	if desc == nil || desc.Status == nil || desc.Status.StatusCode != amptypes.RuleGroupsNamespaceStatusCodeActive {
		status := "no status"
		if desc != nil && desc.Status != nil {
			status = string(desc.Status.StatusCode) + ": " + aws.ToString(desc.Status.StatusReason)
		}
		return fail(check, "ACTIVE and loaded", status)
	}
	var file alertrules.File
	if err := yaml.Unmarshal(desc.Data, &file); err != nil {
		return fail(check, "loaded", "its data is not a rule file: "+err.Error())
	}
	loaded, err := call(ctx, o, func(ctx context.Context) ([]string, error) { return p.AlertingRules(ctx, endpoint) })
	if err != nil {
		return fail(check, "loaded", err.Error())
	}
	var missing []string
	for _, alert := range file.Alerts() {
		if !slices.Contains(loaded, alert) {
			missing = append(missing, alert)
		}
	}
	expected := fmt.Sprintf("its %d alerts evaluated", len(file.Alerts()))
	if len(missing) > 0 {
		return fail(check, expected, "not evaluated: "+strings.Join(missing, ", ")+" (the workspace's log group says why)")
	}
	return pass(check, expected, "all")
}

// lastPart is what follows an ARN's last slash: a scraper's or a
// workspace's ID.
func lastPart(arn string) string {
	return arn[strings.LastIndex(arn, "/")+1:]
}
