package checks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// WorkspaceAPI queries a workspace's Prometheus-compatible API, each
// request signed with SigV4 for the aps service, as AMP requires.
type WorkspaceAPI struct {
	Credentials aws.CredentialsProvider
	Region      string
	Client      *http.Client
}

// emptyPayload is the SHA-256 of an empty body, which GET requests sign.
var emptyPayload = func() string { sum := sha256.Sum256(nil); return hex.EncodeToString(sum[:]) }()

// apiResponse is the envelope of Prometheus' HTTP API.
type apiResponse struct {
	Status string          `json:"status"`
	Error  string          `json:"error"`
	Data   json.RawMessage `json:"data"`
}

func (w WorkspaceAPI) get(ctx context.Context, endpoint, path string, query url.Values) (json.RawMessage, error) {
	u := strings.TrimSuffix(endpoint, "/") + "/" + path + "?" + query.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	creds, err := w.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("credentials for the workspace: %w", err)
	}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, emptyPayload, "aps", w.Region, time.Now()); err != nil {
		return nil, err
	}
	client := w.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	var r apiResponse
	if err := json.Unmarshal(body, &r); err != nil || r.Status != "success" {
		return nil, fmt.Errorf("%s: HTTP %d: %s", path, resp.StatusCode, strings.TrimSpace(string(body[:min(len(body), 300)])))
	}
	return r.Data, nil
}

// Series runs an instant query.
func (w WorkspaceAPI) Series(ctx context.Context, endpoint, query string) (int, error) {
	data, err := w.get(ctx, endpoint, "api/v1/query", url.Values{"query": {query}})
	if err != nil {
		return 0, err
	}
	var v struct {
		Result []struct {
			Value []any `json:"value"`
		} `json:"result"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return 0, err
	}
	if len(v.Result) == 0 {
		return 0, nil
	}
	// A count() query: its one sample's value is the count.
	var n int
	if len(v.Result[0].Value) == 2 {
		fmt.Sscan(fmt.Sprint(v.Result[0].Value[1]), &n)
	}
	return n, nil
}

// AlertingRules lists the alerting rules the workspace evaluates without
// error: one whose last evaluation failed (health "err") is left out.
func (w WorkspaceAPI) AlertingRules(ctx context.Context, endpoint string) ([]string, error) {
	data, err := w.get(ctx, endpoint, "api/v1/rules", url.Values{"type": {"alert"}})
	if err != nil {
		return nil, err
	}
	var v struct {
		Groups []struct {
			Rules []struct {
				Name   string `json:"name"`
				Type   string `json:"type"`
				Health string `json:"health"`
			} `json:"rules"`
		} `json:"groups"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	var out []string
	for _, g := range v.Groups {
		for _, r := range g.Rules {
			if r.Type == "alerting" && r.Health != "err" {
				out = append(out, r.Name)
			}
		}
	}
	return out, nil
}
