// The region at a glance on a node's `/` page, for the operator: a table of territories, sites and nodes with their
// state, free space, instances, outbox depth, replication lag and copies below R, drawn from `GET /admin/region`
// (an admin token, typed once or given in the link's fragment, kept for the browser tab) and redrawn every two
// seconds. A node that stops
// answering shows as such at once; membership marks it suspect, then dead.
enum RegionPage {
    static let style = """
        <style>
        body { font-family: sans-serif; margin: 2em; }
        table { border-collapse: collapse; }
        th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; }
        tr.down td { color: #a00; }
        </style>
        """

    static let html = """
        <h2>Region</h2>
        <p><label>Admin token <input id="token" type="password" size="40"></label>
        <span id="status">enter an admin token to see the region</span></p>
        <table id="region"><thead><tr><th>territory</th><th>site</th><th>node</th><th>state</th><th>volumes</th>
        <th>free GB</th><th>instances</th><th>held</th><th>below R</th><th>outbox</th><th>lag s</th></tr></thead>
        <tbody></tbody></table>
        <script>
        const tokenField = document.getElementById("token");
        // A link may carry the token in its fragment (never sent to the server): kept for the tab, then dropped.
        if (location.hash.startsWith("#token=")) {
          sessionStorage.setItem("tessera-token", decodeURIComponent(location.hash.slice(7)));
          history.replaceState(null, "", location.pathname);
        }
        tokenField.value = sessionStorage.getItem("tessera-token") || "";
        tokenField.addEventListener("change", () => {
          sessionStorage.setItem("tessera-token", tokenField.value);
          draw();
        });
        function cell(text) { const td = document.createElement("td"); td.textContent = text; return td; }
        async function draw() {
          const status = document.getElementById("status");
          if (!tokenField.value) { return; }
          try {
            const answer = await fetch("/admin/region", { headers: { Authorization: "Bearer " + tokenField.value } });
            if (!answer.ok) { status.textContent = "the node answered " + answer.status; return; }
            const report = await answer.json();
            const body = document.querySelector("#region tbody");
            body.replaceChildren();
            for (const member of report.members) {
              const health = member.health, region = health && health.region;
              const row = document.createElement("tr");
              row.className = health ? "up" : "down";
              row.dataset.node = member.nodeID;
              const name = member.nodeID + (member.isSelf ? " (this node)" : "");
              row.append(cell(member.territory), cell(member.site), cell(name),
                cell(health ? member.state : member.state + ", not answering"),
                cell(health ? health.volumesAvailable + "/" + health.volumeCount : "-"),
                cell(region ? (region.bytesFree / 1e9).toFixed(1) : "-"), cell(health ? health.instanceCount : "-"),
                cell(region ? region.heldInstanceCount : "-"),
                cell(region && region.instancesBelowReplicaCount !== undefined
                  ? region.instancesBelowReplicaCount : "-"),
                cell(region ? region.outboxDepth : "-"), cell(region ? region.replicationLagSeconds.toFixed(1) : "-"));
              body.append(row);
            }
            const time = new Date().toLocaleTimeString();
            status.textContent = "updated " + time + ", " + report.members.length + " nodes";
          } catch (error) { status.textContent = "cannot reach the node: " + error; }
        }
        draw();
        setInterval(draw, 2000);
        </script>
        """
}
