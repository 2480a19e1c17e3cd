package mockcloud

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
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

// StackConfig returns the configuration of a stack as the Pulumi engine
// hands it to the program: the project's declared defaults (under the project
// namespace) overlaid by dir/Pulumi.<stack>.yaml.
func StackConfig(dir, stack string) (map[string]string, error) {
	project, err := ReadProject(dir)
	if err != nil {
		return nil, err
	}
	config := map[string]string{}
	for key, decl := range project.Config {
		if decl.Default == nil {
			continue
		}
		text, err := ConfigText(decl.Default)
		if err != nil {
			return nil, fmt.Errorf("Pulumi.yaml: %s: %w", key, err)
		}
		config[project.Name+":"+key] = text
	}

	path := filepath.Join(dir, "Pulumi."+stack+".yaml")
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var file struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for key, value := range file.Config {
		text, err := ConfigText(value)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, key, err)
		}
		config[key] = text
	}
	return config, nil
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
