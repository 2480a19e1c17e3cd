package mockcloud

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// Project reads the project name from dir/Pulumi.yaml.
func Project(dir string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return "", err
	}
	var project struct {
		Name string `yaml:"name"`
	}
	if err := yaml.Unmarshal(raw, &project); err != nil {
		return "", fmt.Errorf("Pulumi.yaml: %w", err)
	}
	return project.Name, nil
}

// StackConfig reads dir/Pulumi.<stack>.yaml and returns its configuration as
// the Pulumi engine hands it to a program: strings as they are, numbers and
// booleans in their text form, lists and objects as JSON.
func StackConfig(dir, stack string) (map[string]string, error) {
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
	config := map[string]string{}
	for key, value := range file.Config {
		switch v := value.(type) {
		case string:
			config[key] = v
		case int, float64, bool:
			config[key] = fmt.Sprint(v)
		default:
			text, err := json.Marshal(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", path, key, err)
			}
			config[key] = string(text)
		}
	}
	return config, nil
}
