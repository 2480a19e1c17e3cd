package charts

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// root is the project's root, seen from this package's directory.
const root = "../.."

func TestEveryArchiveHasItsDigest(t *testing.T) {
	require.NotEmpty(t, Vendored())
	for _, a := range Vendored() {
		assert.NoError(t, a.Verify(root))
	}
	files, err := filepath.Glob("*.tgz")
	require.NoError(t, err)
	var listed []string
	for _, a := range Vendored() {
		listed = append(listed, a.File())
	}
	assert.ElementsMatch(t, files, listed, "every archive here is in SHA256SUMS, and every line of it is here")
	assert.Equal(t, sums, sumsFile(Vendored()), "SHA256SUMS is sorted, in sha256sum's format")
	assert.Equal(t, []string{"5.0.19"}, Versions(Milvus))
	assert.Equal(t, []string{"3.5.0"}, Versions(LoadBalancerController))
}

// One changed byte, and the archive is refused with both digests named.
func TestAChangedArchiveIsRefused(t *testing.T) {
	a, ok := Find(Milvus, "5.0.19")
	require.True(t, ok)
	raw, err := os.ReadFile(a.File())
	require.NoError(t, err)
	raw[len(raw)/2] ^= 0xff

	other := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(other, Dir), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(other, a.Path()), raw, 0o644))
	err = a.Verify(other)
	require.Error(t, err)
	assert.Regexp(t, `^chart milvus 5\.0\.19: infra/charts/milvus-5\.0\.19\.tgz has sha256 [0-9a-f]{64}, but infra/charts/SHA256SUMS holds `+a.SHA256+
		`: it is not the archive that was reviewed; restore it, or refresh it as infra/charts/README\.md says$`, err.Error())

	require.NoError(t, os.Remove(filepath.Join(other, a.Path())))
	assert.ErrorContains(t, a.Verify(other), "chart milvus 5.0.19: open "+filepath.Join(other, a.Path())+": no such file or directory (the archives are part of the repository: restore infra/charts/milvus-5.0.19.tgz)")
}

func TestOf(t *testing.T) {
	for path, want := range map[string]bool{
		"infra/charts/milvus-5.0.19.tgz":                      true,
		"infra/charts/aws-load-balancer-controller-3.5.0.tgz": true,
		"infra/charts/milvus-5.0.18.tgz":                      false,
		"milvus-5.0.19.tgz":                                   false,
		"milvus":                                              false,
		"/elsewhere/infra/charts/milvus-5.0.19.tgz":           false,
	} {
		a, ok := Of(path)
		assert.Equal(t, want, ok, path)
		if want {
			assert.Equal(t, path, a.Path())
		}
	}
}
