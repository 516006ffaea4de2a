using System.Globalization;

namespace Sandbox.Elasticsearch.Local;

/// <summary>
/// Each self-managed node plays a host of its own with Elasticsearch installed from a package: this writes a stand-in
/// <c>systemctl</c> into <c>&lt;node home&gt;/host/bin</c> that knows one unit, <c>elasticsearch.service</c>, which is
/// this node. Put the directory first on PATH of a shell or PowerShell session "on" the node and
/// <c>systemctl restart elasticsearch</c> restarts it through the control API and returns when it has started (the
/// package's unit is Type=notify: systemctl waits for READY=1), or fails as systemd does when it cannot start.
/// <c>systemctl show elasticsearch -p Environment</c> answers with the unit's Environment= lines
/// (elastic/elasticsearch distribution/packages/src/common/systemd/elasticsearch.service), ES_PATH_CONF being this
/// node's config dir. A bash script with /dev/tcp: it needs nothing a Debian host lacks.
/// </summary>
public static class SystemdStandIn
{
    public const string UnitName = "elasticsearch.service";

    public static string BinDirectory(string homeDir) => Path.Combine(homeDir, "host", "bin");

    public static string Write(string homeDir, string configDir, string nodeName, Uri controlApi)
    {
        var bin = BinDirectory(homeDir);
        Directory.CreateDirectory(bin);
        var path = Path.Combine(bin, "systemctl");
        var script = Template
            .Replace("@NODE@", nodeName, StringComparison.Ordinal)
            .Replace("@CONTROL_HOST@", controlApi.Host, StringComparison.Ordinal)
            .Replace("@CONTROL_PORT@", controlApi.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@ES_PATH_CONF@", configDir.Replace("'", "'\\''", StringComparison.Ordinal), StringComparison.Ordinal);
        File.WriteAllText(path, script.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return bin;
    }

    private const string Template = """
        #!/usr/bin/env bash
        # Stand-in systemctl of the sandbox host of Elasticsearch node @NODE@ (written by the sandbox).
        node='@NODE@'
        es_path_conf='@ES_PATH_CONF@'
        unit_known='elasticsearch.service'

        control() { # method path -> prints "status body"
          exec 3<>"/dev/tcp/@CONTROL_HOST@/@CONTROL_PORT@" || return 1
          printf '%s %s HTTP/1.1\r\nHost: @CONTROL_HOST@:@CONTROL_PORT@\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' "$1" "$2" >&3
          local line status
          IFS= read -r line <&3; status=$(printf '%s' "$line" | cut -d' ' -f2)
          while IFS= read -r line <&3 && [ "${line%$'\r'}" != '' ]; do :; done
          printf '%s %s' "$status" "$(cat <&3)"
          exec 3<&-
        }

        verb=''; units=(); properties=(); value_only=0
        while [ $# -gt 0 ]; do
          case "$1" in
            -p|--property) properties+=("${2//,/ }"); shift ;;
            --property=*) properties+=("${1#--property=}") ;;
            -P) properties+=("$2"); value_only=1; shift ;;
            --value) value_only=1 ;;
            -q|--quiet|--no-pager|--no-ask-password|--no-block|--system) ;;
            -*) echo "systemctl (sandbox stand-in): unsupported option $1" >&2; exit 1 ;;
            *) if [ -z "$verb" ]; then verb="$1"; else units+=("$1"); fi ;;
          esac
          shift
        done

        unit="${units[0]:-}"
        case "$unit" in *.*) ;; '') ;; *) unit="$unit.service" ;; esac

        case "$verb" in
          restart|try-restart|reload-or-restart|start)
            if [ "$unit" != "$unit_known" ]; then echo "Failed to $verb $unit: Unit $unit not found." >&2; exit 5; fi
            if [ "$verb" = start ] && [[ "$(control GET "/nodes/$node/state")" == *'"running":true'* ]]; then exit 0; fi
            answer=$(control POST "/nodes/$node/restart")
            if [ "${answer%% *}" = 200 ]; then exit 0; fi
            echo "Job for $unit failed because the control process exited with error code." >&2
            echo "See \"systemctl status $unit\" and \"journalctl -xeu $unit\" for details." >&2
            exit 1 ;;
          is-active)
            if [ "$unit" != "$unit_known" ]; then echo inactive; exit 4; fi
            if [[ "$(control GET "/nodes/$node/state")" == *'"running":true'* ]]; then echo active; exit 0; fi
            echo failed; exit 3 ;;
          show)
            if [ "$unit" != "$unit_known" ]; then echo "LoadState=not-found"; exit 0; fi
            [ ${#properties[@]} -eq 0 ] && properties=(Id LoadState Environment)
            for property in ${properties[*]}; do
              case "$property" in
                Id) v="$unit_known" ;;
                LoadState) v=loaded ;;
                FragmentPath) v=/usr/lib/systemd/system/elasticsearch.service ;;
                Environment) v="ES_HOME=/usr/share/elasticsearch ES_PATH_CONF=$es_path_conf PID_DIR=/var/run/elasticsearch ES_SD_NOTIFY=true" ;;
                EnvironmentFiles) v='/etc/default/elasticsearch (ignore_errors=yes)' ;;
                User|Group) v=elasticsearch ;;
                *) v='' ;;
              esac
              if [ $value_only = 1 ]; then echo "$v"; else echo "$property=$v"; fi
            done
            exit 0 ;;
          *)
            echo "systemctl (sandbox stand-in for node $node): supports restart, try-restart, start, is-active and show of $unit_known" >&2
            exit 1 ;;
        esac

        """;
}
