package checks

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/amp"
	amptypes "github.com/aws/aws-sdk-go-v2/service/amp/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/milvus-eks/milvus-eks/infra/components/monitoring/alertrules"
)

const (
	scraperArn        = "arn:aws:aps:us-east-2:111122223333:scraper/s-0123abcd"
	workspaceArn      = "arn:aws:aps:us-east-2:111122223333:workspace/ws-4567cdef"
	workspaceEndpoint = "https://aps-workspaces.us-east-2.amazonaws.com/workspaces/ws-4567cdef/"
)

var watchedRules = alertrules.Of(alertrules.Settings{Namespace: "milvus", Release: "milvus", BackupCronJob: "milvus-backup", BackupMaxAge: 48 * time.Hour})

// monitoredWorld is a monitored stack that passes every check.
type monitoredWorld struct {
	scraper   amptypes.ScraperStatusCode
	namespace amptypes.RuleGroupsNamespaceStatusCode
	series    int
	loaded    []string
	queried   []string
}

func healthyMonitoring() *monitoredWorld {
	return &monitoredWorld{scraper: amptypes.ScraperStatusCodeActive, namespace: amptypes.RuleGroupsNamespaceStatusCodeActive,
		series: 412, loaded: watchedRules.Alerts()}
}

func (w *monitoredWorld) DescribeScraper(_ context.Context, in *amp.DescribeScraperInput, _ ...func(*amp.Options)) (*amp.DescribeScraperOutput, error) {
	if aws.ToString(in.ScraperId) != "s-0123abcd" {
		return nil, errors.New("ResourceNotFoundException")
	}
	return &amp.DescribeScraperOutput{Scraper: &amptypes.ScraperDescription{Status: &amptypes.ScraperStatus{StatusCode: w.scraper}}}, nil
}

func (w *monitoredWorld) DescribeWorkspace(_ context.Context, in *amp.DescribeWorkspaceInput, _ ...func(*amp.Options)) (*amp.DescribeWorkspaceOutput, error) {
	if aws.ToString(in.WorkspaceId) != "ws-4567cdef" {
		return nil, errors.New("ResourceNotFoundException")
	}
	return &amp.DescribeWorkspaceOutput{Workspace: &amptypes.WorkspaceDescription{PrometheusEndpoint: aws.String(workspaceEndpoint)}}, nil
}

func (w *monitoredWorld) DescribeRuleGroupsNamespace(_ context.Context, in *amp.DescribeRuleGroupsNamespaceInput, _ ...func(*amp.Options)) (*amp.DescribeRuleGroupsNamespaceOutput, error) {
	return &amp.DescribeRuleGroupsNamespaceOutput{RuleGroupsNamespace: &amptypes.RuleGroupsNamespaceDescription{
		Data: []byte(watchedRules.YAML()), Status: &amptypes.RuleGroupsNamespaceStatus{StatusCode: w.namespace, StatusReason: aws.String("")}}}, nil
}

func (w *monitoredWorld) Series(_ context.Context, at, query string) (int, error) {
	if at != workspaceEndpoint {
		return 0, errors.New("wrong endpoint " + at)
	}
	w.queried = append(w.queried, query)
	return w.series, nil
}

func (w *monitoredWorld) AlertingRules(context.Context, string) ([]string, error) {
	return w.loaded, nil
}

func (w *monitoredWorld) failures() map[string]string {
	out := Outputs{ClusterName: "milvus-prod", MonitoringScraperArn: scraperArn, MonitoringWorkspaceArn: workspaceArn}
	failed := map[string]string{}
	for _, r := range CheckMonitoring(context.Background(), w, w, out, Options{CallTimeout: time.Second}) {
		if !r.Passed {
			failed[r.Check] = r.Found
		}
	}
	return failed
}

func TestCheckMonitoring(t *testing.T) {
	const (
		collector = "the managed collector s-0123abcd"
		series    = "Milvus' series of milvus-prod in the workspace"
		rules     = "the alert rules of ws-4567cdef/milvus"
	)
	for _, tc := range []struct {
		name   string
		change func(*monitoredWorld)
		failed map[string]string
	}{
		{name: "healthy", change: func(*monitoredWorld) {}, failed: map[string]string{}},
		{name: "an inactive collector", change: func(w *monitoredWorld) { w.scraper = amptypes.ScraperStatusCodeCreationFailed },
			failed: map[string]string{collector: "CREATION_FAILED: see its status reason in `aws amp describe-scraper`"}},
		{name: "no Milvus series", change: func(w *monitoredWorld) { w.series = 0 },
			failed: map[string]string{series: "none: the collector reaches no Milvus pod (its security group, the metrics NetworkPolicy, its access entry), or Milvus is down"}},
		{name: "two alerts not evaluated", change: func(w *monitoredWorld) { w.loaded = w.loaded[2:] },
			failed: map[string]string{rules: "not evaluated: " + strings.Join(watchedRules.Alerts()[:2], ", ") + " (the workspace's log group says why)"}},
		{name: "rules refused", change: func(w *monitoredWorld) { w.namespace = amptypes.RuleGroupsNamespaceStatusCodeCreationFailed },
			failed: map[string]string{rules: "CREATION_FAILED: "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := healthyMonitoring()
			tc.change(w)
			assert.Equal(t, tc.failed, w.failures())
		})
	}
	w := healthyMonitoring()
	w.failures()
	assert.Equal(t, []string{`count({__name__=~"milvus_.+",job="milvus",cluster="milvus-prod"})`}, w.queried)
}

// The workspace's API: signed with SigV4 for aps in the stack's region, a
// count's value read, the alerting rules listed (a server on loopback).
func TestWorkspaceAPI(t *testing.T) {
	var authorizations []string
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		authorizations = append(authorizations, r.Header.Get("Authorization"))
		switch r.URL.Path {
		case "/workspaces/ws-1/api/v1/query":
			assert.Equal(t, `count(up)`, r.URL.Query().Get("query"))
			w.Write([]byte(`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1764750000,"17"]}]}}`))
		case "/workspaces/ws-1/api/v1/rules":
			w.Write([]byte(`{"status":"success","data":{"groups":[{"name":"milvus","rules":[{"name":"MilvusProxiesDown","type":"alerting","health":"ok"},{"name":"EtcdNoLeader","type":"alerting","health":"err","lastError":"bad"},{"name":"x:y","type":"recording"}]}]}}`))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"status":"error","error":"not found"}`))
		}
	}))
	defer server.Close()
	api := WorkspaceAPI{Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""), Region: "us-east-2", Client: server.Client()}
	n, err := api.Series(context.Background(), server.URL+"/workspaces/ws-1/", "count(up)")
	require.NoError(t, err)
	assert.Equal(t, 17, n)
	alerts, err := api.AlertingRules(context.Background(), server.URL+"/workspaces/ws-1/")
	require.NoError(t, err)
	assert.Equal(t, []string{"MilvusProxiesDown"}, alerts)
	_, err = api.Series(context.Background(), server.URL+"/workspaces/ws-2/", "count(up)")
	assert.ErrorContains(t, err, "HTTP 404")
	for _, a := range authorizations {
		assert.True(t, strings.HasPrefix(a, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), a)
		assert.Contains(t, a, "/us-east-2/aps/aws4_request")
	}
}
