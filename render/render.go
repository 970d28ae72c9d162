// Package render turns a validated spec into the exact bytes of every file pgsvc writes on a
// node. It is pure: the same spec, node and secrets always give the same files.
package render

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
	"unicode"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"join":    strings.Join,
	"quote":   yamlQuote,
	"ident":   sqlIdent,
	"literal": sqlLiteral,
	"dict":    dict,
	"sh":      ShellQuote,
}).ParseFS(templateFS, "templates/*.tmpl"))

// File is one file on a node.
type File struct {
	Path    string
	Mode    string
	Owner   string
	Group   string
	Content []byte
	// Secret files carry passwords: their content must stay a Pulumi secret.
	Secret bool
}

// Secrets are the generated credentials rendering needs, by role name; see the Password* keys.
type Secrets map[string]string

// Keys of Secrets that are not cluster users.
const (
	SecretSuperuser   = "postgres"
	SecretReplication = "replicator"
	SecretPatroniAPI  = "patroni-api"
	SecretHAProxy     = "haproxy-admin"
	// SecretEtcdRoot is etcd's root user; SecretEtcdCluster the cluster's own etcd user.
	SecretEtcdRoot    = "etcd-root"
	SecretEtcdCluster = "etcd-cluster"
)

// Users/owners of the daemons' files on Debian.
const (
	userPostgres = "postgres"
	userRoot     = "root"
	userEtcd     = "etcd"
	groupHAProxy = "haproxy"
)

func execute(name string, data any) []byte {
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, name, data); err != nil {
		// Templates are fixed at build time and data is validated: a failure is a bug.
		panic(fmt.Sprintf("render %s: %v", name, err))
	}
	return buf.Bytes()
}

// ShellQuote makes s one single-quoted shell word.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// yamlQuote makes any string a safe double-quoted YAML scalar.
func yamlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case !unicode.IsPrint(r) && r != ' ':
			if r > 0xffff {
				fmt.Fprintf(&b, "\\U%08x", r)
			} else {
				fmt.Fprintf(&b, "\\u%04x", r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// sqlIdent quotes an identifier for SQL.
func sqlIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// sqlLiteral quotes a string literal for SQL.
func sqlLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// dict builds a map from alternating keys and values, to pass several values to a template.
func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}
