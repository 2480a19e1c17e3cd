package rules

import (
	"fmt"
	"strings"
)

// The AWS resources that make a stack watched: something reads the
// cluster, rules judge what it reads, and the alerts go somewhere.
const (
	typeScraper         = "aws:amp/scraper:Scraper"
	typeRuleGroups      = "aws:amp/ruleGroupNamespace:RuleGroupNamespace"
	typeAlertManagerDef = "aws:amp/alertManagerDefinition:AlertManagerDefinition"
)

var productionMonitoring = Policy{
	Name:        "production-monitoring",
	Description: "In production, the cluster is watched: AMP's managed collector reads it, rule groups judge what it reads, and an alert manager definition routes the alerts.",
	Stack: func(rs []Resource, s Stack) []Violation {
		if !s.Production {
			return nil
		}
		present := map[string]bool{}
		for _, r := range rs {
			present[r.Type] = true
		}
		var missing []string
		for _, typ := range []string{typeScraper, typeRuleGroups, typeAlertManagerDef} {
			if !present[typ] {
				missing = append(missing, typ)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		return []Violation{{Message: fmt.Sprintf("a production stack is not watched (no %s): set monitoring.enabled with an alert destination, so that someone is told when Milvus fails",
			strings.Join(missing, ", "))}}
	},
}
