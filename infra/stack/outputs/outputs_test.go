package outputs

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestContractNamesEachOutputOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range Contract {
		assert.False(t, seen[o.Name], "%s is listed twice", o.Name)
		seen[o.Name] = true
		assert.NotEmpty(t, o.Meaning, o.Name)
		assert.NotEmpty(t, o.When, o.Name)
	}
	for _, name := range append(append([]string{}, PlatformRequired...), PlatformOptional...) {
		assert.True(t, seen[name], "the platform contract reads %s, which the stack contract lacks", name)
	}
}
