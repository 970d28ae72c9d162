package components

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// VipManagerArgs place vip-manager on one member.
type VipManagerArgs struct {
	Spec    *stacks.Spec
	Cluster *stacks.Cluster
	Node    *Node
	Member  stacks.Member
	// Secrets hold the cluster's etcd password.
	Secrets pulumi.StringMapOutput
	// After is the DCS.
	After []pulumi.Resource
}

// VipManager keeps the cluster's VIP on the member that holds the leader key.
type VipManager struct {
	pulumi.ResourceState
}

// NewVipManager writes vip-manager's config and starts it.
func NewVipManager(ctx *pulumi.Context, name string, args *VipManagerArgs, opts ...pulumi.ResourceOption) (*VipManager, error) {
	v := &VipManager{}
	if err := ctx.RegisterComponentResource("pgsvc:index:VipManager", name, v, opts...); err != nil {
		return nil, err
	}
	conn := args.Node.Conn
	dropin, err := writeFile(ctx, name+"-dropin", conn, plainContent(render.VipManagerDropIn()),
		fileOps{OnChange: daemonReload}, v, []pulumi.Resource{args.Node})
	if err != nil {
		return nil, err
	}
	release, err := v.release(ctx, name, args)
	if err != nil {
		return nil, err
	}
	cfg, err := writeFile(ctx, name+"-yml", conn, secretContent(args.Secrets, func(sec render.Secrets) render.File {
		return render.VipManagerConfig(args.Spec, args.Cluster, args.Member, sec)
	}),
		fileOps{OnChange: restartIfActive("vip-manager")}, v, []pulumi.Resource{dropin, release})
	if err != nil {
		return nil, err
	}
	// vip-manager leaves the address behind when it stops: removing the service releases it.
	v4 := args.Cluster.VIP
	unbind := fmt.Sprintf("ip addr del %s/%d dev %s 2>/dev/null || true", v4.Address, v4.Prefix, v4.Interface)
	_, err = run(ctx, name+"-service", conn, step{Create: startService("vip-manager"), Delete: stopService("vip-manager") + "\n" + unbind},
		v, append([]pulumi.Resource{cfg}, args.After...))
	if err != nil {
		return nil, err
	}
	return v, ctx.RegisterResourceOutputs(v, pulumi.Map{"address": pulumi.String(v4.Address)})
}

// release runs the service that resets the VIP's connections when the node loses the VIP. It
// starts before vip-manager and stops after it, so that it also sees the release on removal.
func (v *VipManager) release(ctx *pulumi.Context, name string, args *VipManagerArgs) (pulumi.Resource, error) {
	conn := args.Node.Conn
	unit := render.VipReleaseUnit
	script, err := writeFile(ctx, name+"-release-sh", conn, plainContent(render.VipRelease(args.Cluster, args.Member)),
		fileOps{OnChange: restartIfActive(unit)}, v, []pulumi.Resource{args.Node})
	if err != nil {
		return nil, err
	}
	service, err := writeFile(ctx, name+"-release-unit", conn, plainContent(render.VipReleaseService(args.Cluster)),
		fileOps{OnChange: daemonReload + " && " + restartIfActive(unit)}, v, []pulumi.Resource{script})
	if err != nil {
		return nil, err
	}
	return run(ctx, name+"-release", conn, step{Create: startService(unit), Delete: stopService(unit)}, v, []pulumi.Resource{service})
}
