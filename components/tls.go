package components

import (
	"github.com/pulumi/pulumi-tls/sdk/v5/go/tls"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// CA is the environment's certificate authority: its key stays a secret in the state.
type CA struct {
	KeyPem  pulumi.StringOutput
	CertPem pulumi.StringOutput
}

// keyArgs are the arguments of every key pgsvc generates: ECDSA P-256, which PostgreSQL,
// PgBouncer, etcd and HAProxy all accept and which signs fast.
func keyArgs() *tls.PrivateKeyArgs {
	return &tls.PrivateKeyArgs{Algorithm: pulumi.String("ECDSA"), EcdsaCurve: pulumi.String("P256")}
}

// newCA creates the CA: a key and a self-signed CA certificate, valid for caDays.
func newCA(ctx *pulumi.Context, t stacks.TLS, parent pulumi.Resource) (*CA, error) {
	key, err := tls.NewPrivateKey(ctx, "ca-key", keyArgs(), pulumi.Parent(parent))
	if err != nil {
		return nil, err
	}
	cert, err := tls.NewSelfSignedCert(ctx, "ca-cert", &tls.SelfSignedCertArgs{
		PrivateKeyPem:       key.PrivateKeyPem,
		Subject:             &tls.SelfSignedCertSubjectArgs{CommonName: pulumi.String("pgsvc CA"), Organization: pulumi.String("pgsvc")},
		IsCaCertificate:     pulumi.Bool(true),
		ValidityPeriodHours: pulumi.Int(t.CADays * 24),
		AllowedUses:         pulumi.ToStringArray([]string{"cert_signing", "crl_signing", "digital_signature"}),
	}, pulumi.Parent(parent))
	if err != nil {
		return nil, err
	}
	return &CA{KeyPem: key.PrivateKeyPem, CertPem: cert.CertPem}, nil
}

// NodeTLSArgs place the CA certificate and a node's own key and certificate on the node.
type NodeTLSArgs struct {
	Spec    *stacks.Spec
	Machine stacks.Machine
	Node    *Node
	CA      *CA
}

// NodeTLS is a node's certificate, issued by the CA for every name the node is reached by,
// and the files that carry it.
type NodeTLS struct {
	pulumi.ResourceState
}

// NewNodeTLS issues the node's certificate and writes it, the CA certificate and, on a member,
// the key for PostgreSQL and PgBouncer and the certificate with its key for HAProxy. A new
// rotation label issues a new key and certificate; a certificate is also issued anew once it is
// within a tenth of its validity of expiring.
func NewNodeTLS(ctx *pulumi.Context, name string, args *NodeTLSArgs, opts ...pulumi.ResourceOption) (*NodeTLS, error) {
	n := &NodeTLS{}
	if err := ctx.RegisterComponentResource("pgsvc:index:NodeTLS", name, n, opts...); err != nil {
		return nil, err
	}
	t := args.Spec.TLS
	keyName := name + "-key"
	if t.Rotation != "" {
		keyName += "-" + t.Rotation
	}
	key, err := tls.NewPrivateKey(ctx, keyName, keyArgs(), pulumi.Parent(n))
	if err != nil {
		return nil, err
	}
	dns, ips := args.Spec.ServerNames(args.Machine)
	csr, err := tls.NewCertRequest(ctx, name+"-csr", &tls.CertRequestArgs{
		PrivateKeyPem: key.PrivateKeyPem,
		Subject:       &tls.CertRequestSubjectArgs{CommonName: pulumi.String(args.Machine.Name), Organization: pulumi.String("pgsvc")},
		DnsNames:      pulumi.ToStringArray(dns),
		IpAddresses:   pulumi.ToStringArray(ips),
	}, pulumi.Parent(n))
	if err != nil {
		return nil, err
	}
	cert, err := tls.NewLocallySignedCert(ctx, name+"-cert", &tls.LocallySignedCertArgs{
		CertRequestPem:      csr.CertRequestPem,
		CaPrivateKeyPem:     args.CA.KeyPem,
		CaCertPem:           args.CA.CertPem,
		ValidityPeriodHours: pulumi.Int(t.CertDays * 24),
		EarlyRenewalHours:   pulumi.Int(t.CertDays * 24 / 10),
		AllowedUses:         pulumi.ToStringArray([]string{"digital_signature", "key_encipherment", "server_auth", "client_auth"}),
	}, pulumi.Parent(n))
	if err != nil {
		return nil, err
	}
	conn := args.Node.Conn
	deps := []pulumi.Resource{args.Node}
	if _, err := writeFile(ctx, name+"-ca.crt", conn, derivedContent(args.CA.CertPem, render.CACert, ""), render.FileOps{}, n, deps); err != nil {
		return nil, err
	}
	// The key goes first and the certificate after it, so that the daemons reload once, when
	// both match.
	reloads := render.CertReloads(args.Spec, args.Machine)
	if c := args.Machine.Cluster; c != nil {
		k, err := writeFile(ctx, name+"-postgres.key", conn, secretDerived(key.PrivateKeyPem, render.PostgresKey), render.FileOps{}, n, deps)
		if err != nil {
			return nil, err
		}
		deps = append(deps, k)
		pem := pulumi.All(cert.CertPem, key.PrivateKeyPem).ApplyT(func(v []any) string { return v[0].(string) + v[1].(string) }).(pulumi.StringOutput)
		if _, err := writeFile(ctx, name+"-haproxy.pem", conn, secretDerived(pem, render.HAProxyPEM), reloads[render.HAProxyPEMPath], n, deps); err != nil {
			return nil, err
		}
	}
	if args.Spec.RunsEtcd(args.Machine.Name) {
		k, err := writeFile(ctx, name+"-etcd.key", conn, secretDerived(key.PrivateKeyPem, render.EtcdKey), render.FileOps{}, n, deps)
		if err != nil {
			return nil, err
		}
		deps = append(deps, k)
	}
	if _, err := writeFile(ctx, name+"-server.crt", conn, derivedContent(cert.CertPem, render.ServerCert, ""), reloads[render.ServerCertPath], n, deps); err != nil {
		return nil, err
	}
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{"certPem": cert.CertPem})
}
