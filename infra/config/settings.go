package config

import (
	"encoding/json"
	"fmt"
)

// Settings is the stack's configuration as the Pulumi engine hands it to the
// program: every key that has a value (the stack file's, and Pulumi.yaml's
// defaults), by full name ("milvus:bucketName"), and which of them are secret.
// The engine has decrypted secrets by then; this package never prints them.
type Settings struct {
	Values map[string]string
	Secret map[string]bool
}

// FromEngine reads the Settings the engine passes a program: the JSON object
// of every value and the JSON list of the secret keys (main reads them from
// the variables pulumi.EnvConfig and pulumi.EnvConfigSecretKeys). The SDK's
// ctx.GetConfig reads the same values but cannot list the keys, and a
// misspelt key is found only by listing them.
func FromEngine(valuesJSON, secretKeysJSON string) (Settings, error) {
	s := Settings{Values: map[string]string{}, Secret: map[string]bool{}}
	if valuesJSON != "" {
		if err := json.Unmarshal([]byte(valuesJSON), &s.Values); err != nil {
			return Settings{}, fmt.Errorf("reading the stack configuration the engine passed: %w", err)
		}
	}
	if secretKeysJSON != "" {
		var keys []string
		if err := json.Unmarshal([]byte(secretKeysJSON), &keys); err != nil {
			return Settings{}, fmt.Errorf("reading the secret configuration keys the engine passed: %w", err)
		}
		for _, k := range keys {
			s.Secret[k] = true
		}
	}
	return s, nil
}

// display is how a value appears in a problem: secrets never do.
func (s Settings) display(key, value string) string {
	if s.Secret[key] && value != "" {
		return SecretMask
	}
	return value
}

// SecretMask stands for a secret value wherever one would be shown.
const SecretMask = "[secret]"

// Secret is a configuration value that must never be shown: printing it, on
// its own or inside a struct, gives SecretMask.
type Secret string

func (Secret) String() string   { return SecretMask }
func (Secret) GoString() string { return SecretMask }

// Reveal is the value itself, for the one place that must pass it on.
func (s Secret) Reveal() string { return string(s) }
