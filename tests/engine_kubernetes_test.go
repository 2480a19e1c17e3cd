//go:build engine

package tests

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// localKubernetes is a real Kubernetes control plane on loopback, from the
// binaries .ci/kube-tools builds: etcd, kube-apiserver, and the controllers
// of kube-controller-manager that a deploy and a destroy lean on. No
// kubelet and no scheduler: pods are admitted, never run.
type localKubernetes struct {
	// Endpoint is the API server's URL; CAData its CA bundle, base64-encoded
	// as EKS reports it; Token a system:masters user's bearer token.
	Endpoint, CAData, Token string

	Client  kubernetes.Interface
	Dynamic dynamic.Interface
	Mapper  *restmapper.DeferredDiscoveryRESTMapper
}

// controllers are kube-controller-manager's controllers the test runs:
// those that create a workload's pods (so that Pod Security admission
// judges them), those that let a namespace and its objects go (etcd's
// volume claims keep their protection finalizer until its controller
// lifts it), and the endpoints controller, whose (empty: no pod gets an
// IP) Endpoints the Kubernetes provider waits to see settle before it
// calls a Service ready.
var controllers = []string{
	"deployment-controller", "replicaset-controller", "statefulset-controller", "job-controller",
	"namespace-controller", "garbage-collector-controller", "serviceaccount-controller",
	"persistentvolumeclaim-protection-controller", "endpoints-controller",
}

// startKubernetes starts the control plane, waits until it serves, and
// stops it when the test ends. Everything listens on 127.0.0.1.
func startKubernetes(t *testing.T) *localKubernetes {
	t.Helper()
	bin := os.Getenv("MILVUS_EKS_KUBE_BIN")
	if bin == "" {
		t.Fatal("no MILVUS_EKS_KUBE_BIN: run `eval \"$(bash .ci/kube-tools)\"` first")
	}
	dir := t.TempDir()

	etcdClient, etcdPeer := freePort(t), freePort(t)
	etcdURL := "http://127.0.0.1:" + etcdClient
	peerURL := "http://127.0.0.1:" + etcdPeer
	serve(t, dir, filepath.Join(bin, "etcd"),
		"--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", etcdURL, "--advertise-client-urls", etcdURL,
		"--listen-peer-urls", peerURL, "--initial-advertise-peer-urls", peerURL,
		"--initial-cluster", "default="+peerURL,
		// A test's data need not survive a power cut.
		"--unsafe-no-fsync", "--log-level", "warn")
	waitFor(t, "etcd", func() error { return getOK(http.DefaultClient, etcdURL+"/health", "") })

	// The API server's serving certificate, from a CA of the test's own.
	ca, caKey := certificate(t, "milvus-eks test cluster CA", nil, nil, true)
	serving, servingKey := certificate(t, "kube-apiserver", ca, caKey, false, "127.0.0.1", "localhost")
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw})
	servingKeyDER, err := x509.MarshalECPrivateKey(servingKey)
	require.NoError(t, err)
	writeFile(t, dir, "serving.crt", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: serving.Raw}))
	writeFile(t, dir, "serving.key", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: servingKeyDER}))
	// The key that signs and checks ServiceAccount tokens.
	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	writeFile(t, dir, "sa.key", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(saKey)}))
	secret := make([]byte, 16)
	_, err = rand.Read(secret)
	require.NoError(t, err)
	token := hex.EncodeToString(secret)
	writeFile(t, dir, "tokens.csv", []byte(token+",admin,admin,system:masters\n"))

	port := freePort(t)
	endpoint := "https://127.0.0.1:" + port
	serve(t, dir, filepath.Join(bin, "kube-apiserver"),
		"--etcd-servers", etcdURL,
		"--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--secure-port", port,
		"--tls-cert-file", filepath.Join(dir, "serving.crt"), "--tls-private-key-file", filepath.Join(dir, "serving.key"),
		"--token-auth-file", filepath.Join(dir, "tokens.csv"), "--authorization-mode", "RBAC",
		"--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file", filepath.Join(dir, "sa.key"),
		"--service-account-signing-key-file", filepath.Join(dir, "sa.key"),
		"--service-cluster-ip-range", "10.96.0.0/16",
		// No pod will ever answer a webhook (the load balancer controller's
		// Service webhook would refuse every Service), and no request may
		// go to a ClusterIP.
		"--disable-admission-plugins", "MutatingAdmissionWebhook,ValidatingAdmissionWebhook",
		"--enable-aggregator-routing=true",
		// As on EKS, where the VPC CNI's own pods are privileged: what
		// refuses a privileged pod in Milvus' namespace is Pod Security.
		"--allow-privileged=true",
		// The `kubernetes` Service's endpoints would be 127.0.0.1, which
		// the API refuses; nothing here uses that Service.
		"--endpoint-reconciler-type", "none")
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	tlsClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	waitFor(t, "kube-apiserver", func() error { return getOK(tlsClient, endpoint+"/readyz", token) })

	kubeconfig := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: local, cluster: {server: %q, certificate-authority-data: %q}}]
users: [{name: admin, user: {token: %q}}]
contexts: [{name: local, context: {cluster: local, user: admin}}]
current-context: local
`, endpoint, base64.StdEncoding.EncodeToString(caPEM), token)
	writeFile(t, dir, "admin.kubeconfig", []byte(kubeconfig))
	serve(t, dir, filepath.Join(bin, "kube-controller-manager"),
		"--kubeconfig", filepath.Join(dir, "admin.kubeconfig"),
		"--controllers", strings.Join(controllers, ","),
		"--bind-address", "127.0.0.1", "--secure-port", freePort(t),
		"--leader-elect=false", "--use-service-account-credentials=false")

	config := &rest.Config{Host: endpoint, BearerToken: token, TLSClientConfig: rest.TLSClientConfig{CAData: caPEM}}
	client, err := kubernetes.NewForConfig(config)
	require.NoError(t, err)
	dyn, err := dynamic.NewForConfig(config)
	require.NoError(t, err)
	disco, err := discovery.NewDiscoveryClientForConfig(config)
	require.NoError(t, err)
	return &localKubernetes{
		Endpoint: endpoint, CAData: base64.StdEncoding.EncodeToString(caPEM), Token: token,
		Client: client, Dynamic: dyn, Mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disco)),
	}
}

// serve starts a server for the rest of the test, its output in dir.
func serve(t *testing.T, dir, command string, args ...string) {
	t.Helper()
	logFile := filepath.Join(dir, filepath.Base(command)+".log")
	out, err := os.Create(logFile)
	require.NoError(t, err)
	cmd := exec.Command(command, args...)
	cmd.Stdout, cmd.Stderr = out, out
	// A test that times out exits without its cleanups: the kernel then
	// stops the server with it, rather than leave it running.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	require.NoError(t, cmd.Start(), command)
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		out.Close()
		if t.Failed() {
			if raw, err := os.ReadFile(logFile); err == nil {
				lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
				if len(lines) > 20 {
					lines = lines[len(lines)-20:]
				}
				t.Logf("the last lines of %s:\n%s", filepath.Base(logFile), strings.Join(lines, "\n"))
			}
		}
	})
}

func writeFile(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o600))
}

// freePort is a TCP port free on 127.0.0.1 a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

func getOK(client *http.Client, url, token string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return nil
}

// waitFor polls ready for up to a minute.
func waitFor(t *testing.T, what string, ready func() error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		err := ready()
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s is not ready after a minute: %v", what, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
