package stacks

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// dnsLabel is a host, cluster or service name.
var dnsLabel = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)

type problems []error

// add records that key holds value and why that is wrong.
func (p *problems) add(key string, value any, why string, args ...any) {
	*p = append(*p, fmt.Errorf("%s = %s: %s", key, show(value), fmt.Sprintf(why, args...)))
}

func show(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case []string:
		return fmt.Sprintf("%q", v)
	}
	return fmt.Sprint(v)
}

// validate reports every problem of the spec: each type's own, then those across clusters.
func (s *Spec) validate() error {
	var p problems
	s.SSH.validate(&p)
	nodes := s.validateNodes(&p)
	s.Etcd.validate(&p, nodes)
	s.TLS.validate(&p)
	names := map[string]string{}
	for i := range s.Clusters {
		c := &s.Clusters[i]
		if other, dup := names[c.Name]; dup {
			p.add(c.Key()+".name", c.Name, "duplicate cluster name (%s has it too)", other)
		} else {
			names[c.Name] = c.Key()
		}
		c.validate(&p)
	}
	s.validateDNSNames(&p)
	s.validateVIPs(&p, nodes)
	s.validateSharedPorts(&p)
	return errors.Join(p...)
}
