package checks

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/milvus-eks/milvus-eks/infra/config"
)

// Milvus is what the data-path check asks of Milvus; milvusClient adapts the
// Milvus Go client to it.
type Milvus interface {
	// CreateCollection creates a loaded collection with an auto-ID primary
	// key and a float vector field of dim dimensions.
	CreateCollection(ctx context.Context, name string, dim int) error
	// CollectionID is the ID Milvus gave a collection; its objects in the
	// bucket are under insert_log/<ID>/.
	CollectionID(ctx context.Context, name string) (int64, error)
	Insert(ctx context.Context, name string, vectors [][]float32) error
	// Flush seals the collection's growing segments and waits until they are
	// written to object storage.
	Flush(ctx context.Context, name string) error
	// Search returns how many hits a search for vector finds.
	Search(ctx context.Context, name string, vector []float32, limit int) (int, error)
	DropCollection(ctx context.Context, name string) error
}

// The data the check writes: a few hundred small vectors, enough for a
// segment of its own and far too little to cost anything.
const (
	dataPathVectors   = 300
	dataPathDimension = 8
	// clockSkew is how much earlier than the check's start an object's
	// LastModified (S3's clock) may be and still count as new.
	clockSkew = time.Minute
)

// CheckDataPath proves that Milvus writes to the bucket through the role:
// it creates a uniquely named collection, inserts vectors, flushes, looks
// for the new segment's objects in S3, searches once, and drops the
// collection, even when a step before failed.
func CheckDataPath(ctx context.Context, m Milvus, s3c S3, out Outputs, o Options) (results []Result) {
	timeout := o.DataPathTimeout
	if timeout == 0 {
		timeout = 10 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	name := o.CollectionName
	if name == "" {
		name = fmt.Sprintf("milvus_eks_verify_%d", time.Now().UnixNano())
	}
	started := time.Now()
	step := func(check, expected string, do func() (string, error)) bool {
		found, err := do()
		if err != nil {
			results = append(results, fail(check, expected, err.Error()))
			return false
		}
		results = append(results, pass(check, expected, found))
		return true
	}

	if !step("create a collection in Milvus at "+out.MilvusEndpoint, "collection "+name, func() (string, error) {
		return "created", m.CreateCollection(ctx, name, dataPathDimension)
	}) {
		return results
	}
	// From here on the collection exists, whatever fails next.
	defer func() {
		// Clean up with a context of its own: the check's may be spent.
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		step("drop the collection", "collection "+name+" dropped", func() (string, error) {
			return "dropped", m.DropCollection(cleanup, name)
		})
	}()

	var collectionID int64
	if !step("the collection's ID", "an ID", func() (string, error) {
		var err error
		collectionID, err = m.CollectionID(ctx, name)
		return fmt.Sprint(collectionID), err
	}) {
		return results
	}

	vectors := testVectors(dataPathVectors, dataPathDimension)
	walFrom := time.Now()
	if !step("insert vectors", fmt.Sprintf("%d vectors inserted", len(vectors)), func() (string, error) {
		return "inserted", m.Insert(ctx, name, vectors)
	}) {
		return results
	}
	if !step("flush to object storage", "the flush completes", func() (string, error) {
		return "completed", m.Flush(ctx, name)
	}) {
		return results
	}

	// objectsSince lists what was written under prefix since a moment;
	// none is the failure missing describes.
	objectsSince := func(prefix string, since time.Time, missing string) func() (string, error) {
		return func() (string, error) {
			count, example, err := newObjects(ctx, s3c, out.BucketName, prefix, since.Add(-clockSkew), o)
			switch {
			case err != nil:
				return "", fmt.Errorf("ListObjectsV2 failed: %w", err)
			case count == 0:
				return "", fmt.Errorf("no objects: %s", missing)
			}
			return fmt.Sprintf("%d, e.g. %s", count, example), nil
		}
	}
	prefix := path.Join(o.RootPath, "insert_log", fmt.Sprint(collectionID)) + "/"
	step("new objects in S3", fmt.Sprintf("objects under s3://%s/%s written since the check began", out.BucketName, prefix),
		objectsSince(prefix, started, "Milvus did not write the flushed segment to the bucket"))
	if out.MilvusMessageQueue == config.QueueWoodpecker {
		// Milvus points Woodpecker at its own object storage settings with
		// the root path "<minio.rootPath>/wp" (the streaming node's wp
		// builder), so the log's segments are under that prefix.
		walPrefix := o.RootPath + "/wp/"
		step("Woodpecker's log in S3", fmt.Sprintf("objects under s3://%s/%s written since the insert", out.BucketName, walPrefix),
			objectsSince(walPrefix, walFrom, "the streaming node did not write the insert's log to the bucket"))
	}

	step("search", "at least 1 hit", func() (string, error) {
		hits, err := m.Search(ctx, name, vectors[0], 5)
		if err == nil && hits == 0 {
			err = fmt.Errorf("no hits")
		}
		return fmt.Sprintf("%d hits", hits), err
	})
	return results
}

// newObjects counts the objects under prefix modified since since.
func newObjects(ctx context.Context, s3c S3, bucket, prefix string, since time.Time, o Options) (int, string, error) {
	count, example := 0, ""
	var token *string
	for {
		page, err := call(ctx, o, func(ctx context.Context) (*s3.ListObjectsV2Output, error) {
			return s3c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix), ContinuationToken: token})
		})
		if err != nil {
			return 0, "", err
		}
		for _, obj := range page.Contents {
			if obj.LastModified != nil && !obj.LastModified.Before(since) {
				count++
				if example == "" {
					example = aws.ToString(obj.Key)
				}
			}
		}
		if !aws.ToBool(page.IsTruncated) {
			return count, example, nil
		}
		token = page.NextContinuationToken
	}
}

// testVectors are n reproducible vectors of dim dimensions.
func testVectors(n, dim int) [][]float32 {
	r := rand.New(rand.NewPCG(1, 2))
	vectors := make([][]float32, n)
	for i := range vectors {
		vectors[i] = make([]float32, dim)
		for j := range vectors[i] {
			vectors[i][j] = r.Float32()
		}
	}
	return vectors
}
