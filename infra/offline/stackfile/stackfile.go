// Package stackfile reads a Pulumi project's files the way the Pulumi engine
// does before it runs the program: Pulumi.yaml's declared configuration and
// the stack's Pulumi.<stack>.yaml, into the program's config.Settings. The
// offline plan, the tests and the end-to-end test read stacks through it.
package stackfile

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/milvus-eks/milvus-eks/infra/config"
)

// ProjectFile is what this package reads of Pulumi.yaml.
type ProjectFile struct {
	Name   string                       `yaml:"name"`
	Config map[string]ConfigDeclaration `yaml:"config"`
}

// ConfigDeclaration is one key declared in Pulumi.yaml's config block.
type ConfigDeclaration struct {
	Type        string `yaml:"type"`
	Description string `yaml:"description"`
	Default     any    `yaml:"default"`
}

// ReadProject reads dir/Pulumi.yaml.
func ReadProject(dir string) (ProjectFile, error) {
	var project ProjectFile
	raw, err := os.ReadFile(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return project, err
	}
	if err := yaml.Unmarshal(raw, &project); err != nil {
		return project, fmt.Errorf("Pulumi.yaml: %w", err)
	}
	return project, nil
}

// SecretPlaceholder is what a program reads offline for a value the stack
// file holds encrypted (`secure:`): the passphrase or key that decrypts it is
// the deployer's, not this package's. It is long enough to pass the
// program's password rules, and outputs show secrets masked anyway.
const SecretPlaceholder = "offline-placeholder-for-an-encrypted-value"

// StackConfig returns the configuration of a stack as the Pulumi engine
// hands it to the program: the project's declared defaults (under the project
// namespace) overlaid by dir/Pulumi.<stack>.yaml. Encrypted values read as
// SecretPlaceholder and are marked secret.
func StackConfig(dir, stack string) (config.Settings, error) {
	return FileConfig(dir, filepath.Join(dir, "Pulumi."+stack+".yaml"))
}

// FileConfig is StackConfig with the stack file at path, which may be an
// example not yet copied to its Pulumi.<stack>.yaml.
func FileConfig(dir, path string) (config.Settings, error) {
	settings := config.Settings{Values: map[string]string{}, Secret: map[string]bool{}}
	project, err := ReadProject(dir)
	if err != nil {
		return settings, err
	}
	values := settings.Values
	for key, decl := range project.Config {
		if decl.Default == nil {
			continue
		}
		text, err := ConfigText(decl.Default)
		if err != nil {
			return settings, fmt.Errorf("Pulumi.yaml: %s: %w", key, err)
		}
		values[project.Name+":"+key] = text
	}

	raw, err := os.ReadFile(path)
	if err != nil {
		return settings, err
	}
	var file struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		return settings, fmt.Errorf("%s: %w", path, err)
	}
	for key, value := range file.Config {
		if isEncrypted(value) {
			values[key] = SecretPlaceholder
			settings.Secret[key] = true
			continue
		}
		text, err := ConfigText(value)
		if err != nil {
			return settings, fmt.Errorf("%s: %s: %w", path, key, err)
		}
		values[key] = text
	}
	return settings, nil
}

// isEncrypted reports whether a stack file value is `secure: <ciphertext>`.
func isEncrypted(value any) bool {
	m, ok := value.(map[string]any)
	if !ok || len(m) != 1 {
		return false
	}
	_, ok = m["secure"].(string)
	return ok
}

// ConfigText renders a YAML config value the way the engine passes it to a
// program: strings as they are, numbers and booleans in their text form,
// lists and objects as JSON.
func ConfigText(value any) (string, error) {
	switch v := value.(type) {
	case string:
		return v, nil
	case int, float64, bool:
		return fmt.Sprint(v), nil
	default:
		text, err := json.Marshal(v)
		return string(text), err
	}
}

// Examples are the example stack files of this repository, by the stack
// each is for.
var Examples = map[string]string{"shared": "Pulumi.shared.yaml.example"}

// DeployerSecrets are, by stack, the secret keys its stack file ships
// without: its deployer sets them with `pulumi config set --secret` before
// the first `pulumi up`.
var DeployerSecrets = map[string][]string{
	"prod":   {"milvusRootPassword"},
	"shared": {"milvusRootPassword"},
}

// DeployerConfig is a shipped stack's configuration as its deployer has it
// before the first `pulumi up`: its stack file (its example, for a stack
// that has one, so that a deployer's own copy changes no test), with value
// set, as a secret, for each of its DeployerSecrets.
func DeployerConfig(dir, stack, value string) (config.Settings, error) {
	path := filepath.Join(dir, "Pulumi."+stack+".yaml")
	if example, ok := Examples[stack]; ok {
		path = filepath.Join(dir, example)
	}
	settings, err := FileConfig(dir, path)
	if err != nil {
		return settings, err
	}
	for _, key := range DeployerSecrets[stack] {
		settings.Values[config.FullName(key)] = value
		settings.Secret[config.FullName(key)] = true
	}
	return settings, nil
}
