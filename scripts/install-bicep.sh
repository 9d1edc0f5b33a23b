#!/usr/bin/env bash
# Installs the Bicep CLI at .tools/bicep and the Azure resource type index Bicep itself checks
# templates with at .tools/bicep-types/ (tests validate the compiled ARM against it).
# Both come from NuGet packages, restored by the .NET SDK:
#   Azure.Bicep.CommandLine.linux-x64  the native `bicep` executable (tools/bicep)
#   Azure.Bicep.Types.Az               every provider's resource types, embedded in a .NET assembly
# Idempotent: does nothing when the pinned versions are already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

BICEP_VERSION=0.49.2
TYPES_VERSION=0.2.972
TOOLS="$PWD/.tools"
TYPES_DIR="$TOOLS/bicep-types"

if [ -x "$TOOLS/bicep" ] && "$TOOLS/bicep" --version | grep -q "$BICEP_VERSION" &&
  [ "$(cat "$TYPES_DIR/VERSION" 2>/dev/null)" = "$TYPES_VERSION" ]; then
  echo "Bicep $BICEP_VERSION and types $TYPES_VERSION already in .tools/"
  exit 0
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-bicep: no .NET SDK (dotnet) on this machine, so the Bicep NuGet package cannot be restored." >&2
  echo "Use the Azure CLI's Bicep instead (az bicep install; az bicep build --file infra/main.bicep)," >&2
  echo "or put a bicep executable on PATH; the tests use .tools/bicep, then bicep on PATH." >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
framework="net$(dotnet --version | cut -d. -f1,2)"

# A throw-away project: PackageDownload fetches the packages without referencing them, and the
# same project extracts the type index (manifest resources of Azure.Bicep.Types.Az.dll).
cat >"$work/tools.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>$framework</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="[$BICEP_VERSION]" />
    <PackageDownload Include="Azure.Bicep.Types.Az" Version="[$TYPES_VERSION]" />
  </ItemGroup>
</Project>
XML
cat >"$work/Program.cs" <<'CS'
// Writes every manifest resource of an assembly (args[0]) to a file under args[1], by resource name.
var assembly = System.Reflection.Assembly.LoadFrom(Path.GetFullPath(args[0]));
foreach (var name in assembly.GetManifestResourceNames())
{
    var target = Path.Combine(args[1], name);
    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
    using var input = assembly.GetManifestResourceStream(name)!;
    using var output = File.Create(target);
    input.CopyTo(output);
}
CS

packages="$work/packages"
dotnet restore "$work/tools.csproj" --packages "$packages" --verbosity quiet

mkdir -p "$TOOLS"
install -m 0755 "$packages/azure.bicep.commandline.linux-x64/$BICEP_VERSION/tools/bicep" "$TOOLS/bicep"

rm -rf "$TYPES_DIR"
mkdir -p "$TYPES_DIR"
dotnet run --project "$work/tools.csproj" --verbosity quiet -- \
  "$packages/azure.bicep.types.az/$TYPES_VERSION/lib/netstandard2.0/Azure.Bicep.Types.Az.dll" "$TYPES_DIR"
echo "$TYPES_VERSION" >"$TYPES_DIR/VERSION"

"$TOOLS/bicep" --version
echo "Bicep types $TYPES_VERSION in .tools/bicep-types ($(find "$TYPES_DIR" -name '*.deflated' | wc -l) files)"
