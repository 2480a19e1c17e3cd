package workloads

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// KubeScore is the linter's module and version, run from the module proxy
// as `go run` runs it: outside this module's dependencies (its own
// Kubernetes libraries are older than the program's).
const KubeScore = "github.com/zegl/kube-score/cmd/kube-score@v1.20.0"

// Finding is one critical grade kube-score gives an object.
type Finding struct {
	// Object is Kind/namespace/name; Check is kube-score's check ID.
	Object, Check string
	Comments      []string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %s", f.Object, f.Check, strings.Join(f.Comments, "; "))
}

// Score runs kube-score's default checks over the objects together, as one
// set (a NetworkPolicy or a PodDisruptionBudget counts for the pods it
// selects), for Kubernetes 1.34, and returns its critical findings.
func Score(objects []Object) ([]Finding, error) {
	var manifests bytes.Buffer
	for _, o := range objects {
		raw, err := o.YAML()
		if err != nil {
			return nil, err
		}
		manifests.WriteString("---\n")
		manifests.Write(raw)
	}
	cmd := exec.Command("go", "run", KubeScore, "score",
		"--kubernetes-version", strings.TrimSuffix(KubeVersion, ".0"),
		"--output-format", "json", "--output-version", "v2", "-")
	cmd.Stdin = &manifests
	// Outside any module's settings: `go run pkg@version` resolves alone.
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// kube-score exits 1 on a critical finding: its output says whether it
	// ran.
	runErr := cmd.Run()
	var scored []struct {
		TypeMeta struct {
			Kind string `json:"kind"`
		} `json:"type_meta"`
		ObjectMeta struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"object_meta"`
		Checks []struct {
			Check struct {
				ID string `json:"id"`
			} `json:"check"`
			Grade    int  `json:"grade"`
			Skipped  bool `json:"skipped"`
			Comments []struct {
				Path    string `json:"path"`
				Summary string `json:"summary"`
			} `json:"comments"`
		} `json:"checks"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &scored); err != nil {
		return nil, fmt.Errorf("kube-score: %v (%v): %s", err, runErr, stderr.String())
	}
	var out []Finding
	for _, o := range scored {
		id := o.TypeMeta.Kind + "/" + o.ObjectMeta.Name
		if o.ObjectMeta.Namespace != "" {
			id = o.TypeMeta.Kind + "/" + o.ObjectMeta.Namespace + "/" + o.ObjectMeta.Name
		}
		for _, check := range o.Checks {
			// Grade 1 is critical; 5 a warning, 7 and 10 fine.
			if check.Skipped || check.Grade != 1 {
				continue
			}
			f := Finding{Object: id, Check: check.Check.ID}
			for _, c := range check.Comments {
				f.Comments = append(f.Comments, strings.TrimSpace(c.Path+" "+c.Summary))
			}
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

// Exception excuses one check on some objects, with the reason.
type Exception struct {
	Check string `json:"check"`
	// Objects are Kind/namespace/name patterns (path.Match: * within a
	// segment).
	Objects []string `json:"objects"`
	Reason  string   `json:"reason"`
}

// ExceptionsFile is the one list of kube-score findings the project
// accepts, each with its reason.
const ExceptionsFile = "kube-score-exceptions.yaml"

// ReadExceptions reads the exceptions file; each needs a check, objects and
// a reason.
func ReadExceptions(file string) ([]Exception, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var out []Exception
	if err := yaml.UnmarshalStrict(raw, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	for i, e := range out {
		if e.Check == "" || len(e.Objects) == 0 || strings.TrimSpace(e.Reason) == "" {
			return nil, fmt.Errorf("%s: exception %d needs a check, objects and a reason", file, i+1)
		}
	}
	return out, nil
}

// Excuses reports whether the exception covers a finding.
func (e Exception) Excuses(f Finding) bool {
	if e.Check != f.Check {
		return false
	}
	for _, pattern := range e.Objects {
		if ok, _ := path.Match(pattern, f.Object); ok {
			return true
		}
	}
	return false
}

// Unexcused are the findings no exception covers; used marks the
// exceptions that covered one.
func Unexcused(findings []Finding, exceptions []Exception, used map[int]bool) []Finding {
	var out []Finding
	for _, f := range findings {
		excused := false
		for i, e := range exceptions {
			if e.Excuses(f) {
				excused, used[i] = true, true
			}
		}
		if !excused {
			out = append(out, f)
		}
	}
	return out
}
