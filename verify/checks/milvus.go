package checks

import (
	"context"
	"crypto/tls"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/milvus-io/milvus/client/v2/entity"
	"github.com/milvus-io/milvus/client/v2/milvusclient"
)

// ConnectMilvus connects to Milvus at address ("host:19530", or a URI whose
// https:// asks for TLS), as username when a password is given, and returns
// the client the data-path check uses. With serverName, it speaks TLS and
// checks the certificate against that name, whatever host it dials: the
// load balancer's certificate is for the name clients use, never for the
// load balancer's own host, which the name may not point at yet.
func ConnectMilvus(ctx context.Context, address, serverName, username, password string) (Milvus, func(context.Context) error, error) {
	c, err := newMilvusClient(ctx, address, serverName, username, password)
	if err != nil {
		return nil, nil, err
	}
	return milvusClient{c}, c.Close, nil
}

// NewMilvusClient connects to a stack's Milvus as root, as the checks do,
// and returns the client itself, for tests that need more of Milvus than
// the checks do (the restore round trip).
func NewMilvusClient(ctx context.Context, out Outputs) (*milvusclient.Client, error) {
	return newMilvusClient(ctx, milvusAddress(out), tlsServerName(out), "root", out.MilvusRootPassword)
}

func newMilvusClient(ctx context.Context, address, serverName, username, password string) (*milvusclient.Client, error) {
	config := &milvusclient.ClientConfig{Address: address}
	if serverName != "" {
		config.EnableTLSAuth = true
		config.DialOptions = append(append([]grpc.DialOption{}, milvusclient.DefaultGrpcOpts...),
			grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{ServerName: serverName, MinVersion: tls.VersionTLS12})))
	}
	if password != "" {
		config.Username, config.Password = username, password
	}
	return milvusclient.New(ctx, config)
}

type milvusClient struct{ c *milvusclient.Client }

func (m milvusClient) CreateCollection(ctx context.Context, name string, dim int) error {
	// The "fast" options also build an index and load the collection, so
	// that it can be searched right away.
	return m.c.CreateCollection(ctx, milvusclient.SimpleCreateCollectionOptions(name, int64(dim)))
}

func (m milvusClient) CollectionID(ctx context.Context, name string) (int64, error) {
	collection, err := m.c.DescribeCollection(ctx, milvusclient.NewDescribeCollectionOption(name))
	if err != nil {
		return 0, err
	}
	return collection.ID, nil
}

func (m milvusClient) Insert(ctx context.Context, name string, vectors [][]float32) error {
	dim := 0
	if len(vectors) > 0 {
		dim = len(vectors[0])
	}
	_, err := m.c.Insert(ctx, milvusclient.NewColumnBasedInsertOption(name).WithFloatVectorColumn("vector", dim, vectors))
	return err
}

func (m milvusClient) Flush(ctx context.Context, name string) error {
	task, err := m.c.Flush(ctx, milvusclient.NewFlushOption(name))
	if err != nil {
		return err
	}
	return task.Await(ctx)
}

func (m milvusClient) Search(ctx context.Context, name string, vector []float32, limit int) (int, error) {
	results, err := m.c.Search(ctx, milvusclient.NewSearchOption(name, limit, []entity.Vector{entity.FloatVector(vector)}))
	if err != nil {
		return 0, err
	}
	hits := 0
	for _, r := range results {
		hits += r.ResultCount
	}
	return hits, nil
}

func (m milvusClient) DropCollection(ctx context.Context, name string) error {
	return m.c.DropCollection(ctx, milvusclient.NewDropCollectionOption(name))
}

// Unreachable is the Milvus of a failed connection: every call fails with
// the connection's error, so that the data-path check reports it.
type Unreachable struct{ Err error }

func (u Unreachable) CreateCollection(context.Context, string, int) error         { return u.Err }
func (u Unreachable) CollectionID(context.Context, string) (int64, error)         { return 0, u.Err }
func (u Unreachable) Insert(context.Context, string, [][]float32) error           { return u.Err }
func (u Unreachable) Flush(context.Context, string) error                         { return u.Err }
func (u Unreachable) Search(context.Context, string, []float32, int) (int, error) { return 0, u.Err }
func (u Unreachable) DropCollection(context.Context, string) error                { return u.Err }
