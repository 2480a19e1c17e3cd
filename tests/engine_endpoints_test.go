//go:build engine

package tests

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// eksEndpointsStandIn plays the HTTPS endpoints pulumi-eks itself calls: the
// cluster's API server, whose /healthz it polls for up to 300 s after
// creating the cluster (cluster.js of 2.8.1, "try to contact the API cluster
// healthz"); without it, `pulumi up` waits for an endpoint that does not
// exist. (pulumi-eks also reads the OIDC issuer's CA thumbprint when it
// makes the OIDC provider, which this stack makes itself.) It is an HTTPS
// proxy (pulumi-eks honours HTTPS_PROXY) that answers every CONNECT with a
// TLS server whose certificate chains to a test root, trusted through
// NODE_EXTRA_CA_CERTS, and every request with 200. It listens on loopback,
// and returns the environment that points the plugins at it.
func eksEndpointsStandIn(t *testing.T) map[string]string {
	t.Helper()
	root, rootKey := certificate(t, "milvus-eks test root", nil, nil, true)
	intermediate, intermediateKey := certificate(t, "milvus-eks test intermediate", root, rootKey, true)
	leaf, leafKey := certificate(t, "oidc.eks.amazonaws.com", intermediate, intermediateKey, false,
		"*.amazonaws.com", "oidc.eks.us-east-1.amazonaws.com", "oidc.eks.us-east-2.amazonaws.com",
		"oidc.eks.us-west-2.amazonaws.com", "oidc.eks.eu-west-1.amazonaws.com", "oidc.eks.eu-central-1.amazonaws.com")
	serving := tls.Certificate{Certificate: [][]byte{leaf.Raw, intermediate.Raw, root.Raw}, PrivateKey: leafKey}

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { listener.Close() })
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			go serveConnect(conn, serving)
		}
	}()

	rootFile := filepath.Join(t.TempDir(), "root.pem")
	require.NoError(t, os.WriteFile(rootFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Raw}), 0o644))
	proxy := "http://" + listener.Addr().String()
	// The plugins' gRPC clients honour the proxy variables too: the engine,
	// on loopback, is reached directly.
	direct := "127.0.0.1,localhost"
	return map[string]string{"HTTPS_PROXY": proxy, "https_proxy": proxy, "NO_PROXY": direct, "no_proxy": direct, "NODE_EXTRA_CA_CERTS": rootFile}
}

// serveConnect accepts one CONNECT and speaks TLS with the issuer's chain.
func serveConnect(conn net.Conn, serving tls.Certificate) {
	defer conn.Close()
	req, err := http.ReadRequest(bufio.NewReader(conn))
	if err != nil || req.Method != http.MethodConnect {
		return
	}
	if _, err := conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		return
	}
	server := tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{serving}})
	if err := server.Handshake(); err != nil {
		return
	}
	_, _ = http.ReadRequest(bufio.NewReader(server))
	_, _ = server.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"))
}

// certificate makes a certificate signed by parent (self-signed without):
// a CA's, or a server's for hosts (names, or IP addresses).
func certificate(t *testing.T, name string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, ca bool, hosts ...string) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	require.NoError(t, err)
	template := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		BasicConstraintsValid: true, IsCA: ca,
	}
	if ca {
		template.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
	} else {
		template.KeyUsage = x509.KeyUsageDigitalSignature
		template.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		for _, host := range hosts {
			if ip := net.ParseIP(host); ip != nil {
				template.IPAddresses = append(template.IPAddresses, ip)
			} else {
				template.DNSNames = append(template.DNSNames, host)
			}
		}
	}
	signer, signerKey := template, key
	if parent != nil {
		signer, signerKey = parent, parentKey
	}
	der, err := x509.CreateCertificate(rand.Reader, template, signer, &key.PublicKey, signerKey)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return cert, key
}
