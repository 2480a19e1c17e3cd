package facts

// ImagePlatforms is what this project has read of an image's published
// platforms: whether an arm64 build exists at that exact tag, and where
// that was read. An image it has no entry for counts as amd64 only, so
// that a Graviton node never pulls an image with no build for it.
type ImagePlatforms struct {
	Arm64 bool
	// Evidence is where the platforms were read, or why they could not be.
	Evidence string
}

// Images are the platforms of the images the stack's pods run on
// Karpenter's pools, read from their releases (docs/research/karpenter-issue-26.md,
// section 6).
var Images = map[string]ImagePlatforms{
	"milvusdb/milvus:v2.6.15": {Arm64: false,
		Evidence: "no manifest list or release workflow for this tag could be read (Milvus publishes from Jenkins); confirm with `docker buildx imagetools inspect milvusdb/milvus:v2.6.15`, then record it here"},
	"milvusdb/etcd:3.5.25-r1": {Arm64: false,
		Evidence: "the fork that builds it (milvus-io/bitnami-docker-etcd) builds amd64 and arm64, but its snapshot stops at 3.5.16-r1; confirm this tag's manifest, then record it here"},
	"milvusdb/milvus-backup:v0.5.16": {Arm64: true,
		Evidence: "zilliztech/milvus-backup .github/workflows/release.yaml at v0.5.16 (719e9acb): buildx platforms linux/amd64,linux/arm64"},
}

// MilvusChartImages are the images each vendored Milvus chart runs with
// this project's values (Woodpecker, so no Pulsar): Milvus' own for every
// component, and etcd's (the chart's values.yaml, image.all and
// etcd.image).
var MilvusChartImages = map[string][]string{
	"5.0.19": {"milvusdb/milvus:v2.6.15", "milvusdb/etcd:3.5.25-r1"},
}

// HasArm64 reports whether an image has an arm64 build this project has
// read, with what is known of it.
func HasArm64(image string) (bool, string) {
	p, ok := Images[image]
	if !ok {
		return false, "this project has no record of its platforms (infra/facts/images.go)"
	}
	return p.Arm64, p.Evidence
}
