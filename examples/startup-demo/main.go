// Command startup-demo is gostart's bundled example: a small program whose
// start-up is dominated by package init work, the kind of cost that build
// flags (PIE, static linking, GOAMD64) and code changes move.
package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
	"text/template"
)

// Compiled at init: every start pays for these before main runs.
var rules = func() []*regexp.Regexp {
	patterns := []string{
		`^(?P<user>[a-z_][a-z0-9_-]{0,31})@(?P<host>[a-z0-9.-]+)$`,
		`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`,
		`(?i)\b(error|warn(ing)?|fatal|panic)\b`,
		`^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`,
		`^(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) (/[^ ]*) HTTP/1\.[01]$`,
		`^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`,
	}
	var out []*regexp.Regexp
	for i := 0; i < 40; i++ {
		for _, p := range patterns {
			out = append(out, regexp.MustCompile(p+strings.Repeat(`(?:x?)`, i%5)))
		}
	}
	return out
}()

// A lookup table built at init, as many programs do for codecs and parsers.
var crcTable = func() [65536]uint32 {
	var t [65536]uint32
	for i := range t {
		c := uint32(i)
		for k := 0; k < 8; k++ {
			if c&1 == 1 {
				c = 0xEDB88320 ^ (c >> 1)
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return t
}()

var report = template.Must(template.New("report").Parse(
	`{{.Rules}} rules, table[4242]={{.Entry}}, loopback={{.Loopback}}` + "\n"))

type summary struct {
	Rules    int    `json:"rules"`
	Entry    uint32 `json:"entry"`
	Loopback bool   `json:"loopback"`
}

func main() {
	s := summary{
		Rules:    len(rules),
		Entry:    crcTable[4242],
		Loopback: net.ParseIP("127.0.0.1").IsLoopback(),
	}
	if len(os.Args) > 1 && os.Args[1] == "--json" {
		if err := json.NewEncoder(os.Stdout).Encode(s); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if err := report.Execute(os.Stdout, s); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
