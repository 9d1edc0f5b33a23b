import { describe, expect, it } from 'vitest';
import { importContent } from '../../src/content/import.js';
import { readWorkspaceTables } from '../../src/content/workspace-tables.js';
import { folderWith } from '../support/files.js';

// Two forms in which Solutions define the workspace tables their connectors create, met by the tenth
// held-out corpus (issue 11, session 12), that neither `import` nor scripts/import-solution-tables.ts read.

const TABLES = 'Microsoft.OperationalInsights/workspaces/tables';
const table = (name: string, columns: [string, string][]) => ({
  type: TABLES,
  properties: { schema: { name, columns: columns.map(([n, type]) => ({ name: n, type })) } },
});

// Solutions/Cyfirma Digital Risk/Data Connectors/CyfirmaDigitalRiskAlerts_ccp/CyfirmaDigitalRiskAlerts_Tables.json
// @7d70858: a JSON array of seven table resources (two shown, columns shortened).
const cyfirmaTables = [
  table('CyfirmaDBWMPhishingAlerts_CL', [
    ['first_seen', 'datetime'],
    ['risk_score', 'int'],
  ]),
  table('CyfirmaDBWMDarkWebAlerts_CL', [
    ['first_seen', 'dynamic'],
    ['threat_actors', 'dynamic'],
  ]),
];

// Solutions/Samsung Knox Asset Intelligence/Data Connectors/azuredeploy_SamsungDataConnectorDefinition.json
// @3894652: the tables are created by a nested deployment (`RestDRLATablesTemplate`, no
// expressionEvaluationOptions, empty own variables) and named by the parent's variables.
const samsungTemplate = {
  variables: {
    loganalyticsworkspace: "[parameters('Log Analytics Workspace Name')]",
    'cust-table-audit': 'Samsung_Knox_Audit_CL',
    'cust-table-user': 'Samsung_Knox_User_CL',
  },
  resources: [
    { type: 'Microsoft.Insights/dataCollectionEndpoints', name: "[variables('dce-name')]" },
    {
      type: 'Microsoft.Resources/deployments',
      name: 'RestDRLATablesTemplate',
      properties: {
        mode: 'Incremental',
        template: {
          variables: {},
          resources: [
            {
              ...table("[variables('cust-table-audit')]", [
                ['TimeGenerated', 'DateTime'],
                ['MitreTtp', 'dynamic'],
              ]),
              name: "[concat(variables('loganalyticsworkspace'),'/',variables('cust-table-audit'))]",
            },
            table("[variables('cust-table-user')]", [['ConfidenceScore', 'real']]),
            // A name the deployment decides: no table can be named from it.
            table("[parameters('tableName')]", [['x', 'string']]),
          ],
        },
      },
    },
  ],
};

describe('workspace table definitions in the forms Solutions publish', () => {
  it('a JSON array of table resources gives each table', () => {
    expect(readWorkspaceTables(cyfirmaTables).map((t) => [t.name, t.columns])).toEqual([
      [
        'CyfirmaDBWMPhishingAlerts_CL',
        [
          { name: 'first_seen', type: 'datetime' },
          { name: 'risk_score', type: 'int' },
        ],
      ],
      [
        'CyfirmaDBWMDarkWebAlerts_CL',
        [
          { name: 'first_seen', type: 'dynamic' },
          { name: 'threat_actors', type: 'dynamic' },
        ],
      ],
    ]);
  });

  it("tables of a nested deployment are named by the parent template's variables; an expression name is left out", () => {
    expect(readWorkspaceTables(samsungTemplate).map((t) => [t.name, t.columns])).toEqual([
      [
        'Samsung_Knox_Audit_CL',
        [
          { name: 'TimeGenerated', type: 'datetime' },
          { name: 'MitreTtp', type: 'dynamic' },
        ],
      ],
      ['Samsung_Knox_User_CL', [{ name: 'ConfidenceScore', type: 'real' }]],
    ]);
  });

  it('import writes kql/schemas/<table>.json for both forms, never a file named by an expression', () => {
    const dir = folderWith('sk-table-forms-', {
      'Data Connectors/CyfirmaDigitalRiskAlerts_ccp/CyfirmaDigitalRiskAlerts_Tables.json':
        JSON.stringify(cyfirmaTables),
      'Data Connectors/azuredeploy_SamsungDataConnectorDefinition.json': JSON.stringify(samsungTemplate),
    });
    const result = importContent(dir);
    expect(result.files.map((f) => f.path).sort()).toEqual([
      'kql/schemas/CyfirmaDBWMDarkWebAlerts_CL.json',
      'kql/schemas/CyfirmaDBWMPhishingAlerts_CL.json',
      'kql/schemas/Samsung_Knox_Audit_CL.json',
      'kql/schemas/Samsung_Knox_User_CL.json',
    ]);
    expect(result.skipped.map((s) => s.reason)).toContain(
      'a workspace table resource without a schema name and columns (or named by an expression the deployment decides)',
    );
  });
});
