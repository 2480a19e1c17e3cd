// Package charts holds the Helm charts the stack installs, as archives in
// this directory, each pinned by the sha256 in SHA256SUMS (the one place a
// digest is written; `sha256sum -c SHA256SUMS` checks it by hand). The
// releases install from these files, so `pulumi up` and every preview read
// the reviewed bytes and need no chart repository; README.md here says
// where each came from and how to refresh one.
package charts

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// The charts the stack installs.
const (
	Milvus                 = "milvus"
	LoadBalancerController = "aws-load-balancer-controller"
	Karpenter              = "karpenter"
)

// Dir is where the archives are, relative to the project's root (where
// Pulumi.yaml is): the Kubernetes provider resolves a release's chart path
// from there.
const Dir = "infra/charts"

//go:embed SHA256SUMS
var sums string

// Archive is one vendored chart archive.
type Archive struct {
	Chart, Version string
	// SHA256 is the archive's digest, hex-encoded, from SHA256SUMS.
	SHA256 string
}

// File is the archive's file name, as `helm package` names it.
func (a Archive) File() string { return a.Chart + "-" + a.Version + ".tgz" }

// Path is the archive's path relative to the project's root, which a
// release takes as its chart.
func (a Archive) Path() string { return Dir + "/" + a.File() }

// Root is the project's root as the Pulumi CLI finds it: the nearest
// directory, from the working one up, that holds Pulumi.yaml; "." when none
// does. A program run by the CLI is told its root (ctx.RootDirectory); one
// run inline by the Automation API, or on mocks, is not.
func Root() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "Pulumi.yaml")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "."
		}
		dir = parent
	}
}

// Verify reads the archive under the project's root and fails unless its
// digest is the one SHA256SUMS holds.
func (a Archive) Verify(root string) error {
	raw, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(a.Path())))
	if err != nil {
		return fmt.Errorf("chart %s %s: %w (the archives are part of the repository: restore %s)", a.Chart, a.Version, err, a.Path())
	}
	sum := sha256.Sum256(raw)
	if got := hex.EncodeToString(sum[:]); got != a.SHA256 {
		return fmt.Errorf("chart %s %s: %s has sha256 %s, but %s/SHA256SUMS holds %s: it is not the archive that was reviewed; restore it, or refresh it as %s/README.md says",
			a.Chart, a.Version, a.Path(), got, Dir, a.SHA256, Dir)
	}
	return nil
}

// archiveName is a file name of SHA256SUMS: a chart's name, then its exact
// version.
var archiveName = regexp.MustCompile(`^([a-z0-9-]+)-(\d+\.\d+\.\d+)\.tgz$`)

// Vendored lists the archives SHA256SUMS holds, by chart then version.
func Vendored() []Archive {
	var out []Archive
	scanner := bufio.NewScanner(strings.NewReader(sums))
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) != 2 {
			panic(fmt.Sprintf("charts: SHA256SUMS line %q is not `<sha256>  <file>`", scanner.Text()))
		}
		m := archiveName.FindStringSubmatch(fields[1])
		if m == nil {
			panic(fmt.Sprintf("charts: SHA256SUMS names %q, not <chart>-<version>.tgz", fields[1]))
		}
		out = append(out, Archive{Chart: m[1], Version: m[2], SHA256: fields[0]})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Chart < out[j].Chart || out[i].Chart == out[j].Chart && out[i].Version < out[j].Version
	})
	return out
}

// Find returns the vendored archive of a chart's version.
func Find(chart, version string) (Archive, bool) {
	for _, a := range Vendored() {
		if a.Chart == chart && a.Version == version {
			return a, true
		}
	}
	return Archive{}, false
}

// Versions are the versions of a chart the repository holds.
func Versions(chart string) []string {
	var out []string
	for _, a := range Vendored() {
		if a.Chart == chart {
			out = append(out, a.Version)
		}
	}
	return out
}

// Of returns the vendored archive that a chart path (Archive.Path) names.
func Of(path string) (Archive, bool) {
	dir, file := filepath.Split(filepath.ToSlash(path))
	if strings.TrimSuffix(dir, "/") != Dir {
		return Archive{}, false
	}
	m := archiveName.FindStringSubmatch(file)
	if m == nil {
		return Archive{}, false
	}
	return Find(m[1], m[2])
}

// sumsFile renders archives as SHA256SUMS holds them.
func sumsFile(archives []Archive) string {
	var b bytes.Buffer
	for _, a := range archives {
		fmt.Fprintf(&b, "%s  %s\n", a.SHA256, a.File())
	}
	return b.String()
}
