package components

import (
	"fmt"

	"pgsvc/render"
	"pgsvc/stacks"
)

const patronictl = "cd / && runuser -u postgres -- patronictl -c /etc/patroni/config.yml"

// patroniApply makes a running Patroni take its new config.yml: a reload, or a restart when the
// settings it reads only at start changed (render.PatroniDCSClient). Patroni stops PostgreSQL
// when it stops, so a leader first hands over to another member; the members restart one at a
// time (PostgresArgs.ConfigAfter). A member without another to hand over to restarts as it is.
//
// Patroni acts on a reload in its next loop, up to loop_wait later, and then always reloads
// PostgreSQL: the apply waits for that, so that pg_hba and settings are in force when up returns.
func patroniApply(c *stacks.Cluster, m stacks.Member) string {
	marker := render.ShellQuote(render.PatroniDCSClientMarker)
	loadTime := localSQL(c.Ports.Postgres, "select pg_conf_load_time()") + " 2>/dev/null"
	return fmt.Sprintf(`if systemctl is-active -q patroni; then
    if [ "$(grep %[1]s "$f.pgsvc-old" 2>/dev/null)" = "$(grep %[1]s "$f")" ]; then
      loaded=$(%[6]s) || loaded=
      systemctl reload patroni
      if [ -n "$loaded" ]; then
        %[7]s
      fi
    else
      if %[2]s; then
        %[3]s switchover --leader %[4]s --force || echo "pgsvc: no switchover away from %[4]s; it restarts as leader"
      fi
      systemctl restart patroni
      %[5]s
    fi
  fi`, marker, httpStatusIs(c.PatroniURL("127.0.0.1", "/primary"), 200), patronictl, render.ShellQuote(c.MemberName(m)),
		waitFor(httpStatusIs(c.PatroniURL("127.0.0.1", "/health"), 200), 120, "Patroni's PostgreSQL did not run within 120s of its restart"),
		loadTime, waitFor(`[ "$(`+loadTime+`)" != "$loaded" ]`, 60, "Patroni did not reload PostgreSQL within 60s of its own reload"))
}
