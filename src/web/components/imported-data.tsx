import { Accordion, Code, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api-client.ts';
import { useMe } from '../lib/auth.ts';

type ImportedRecord = {
  sources: Array<{ source: 'cultus' | 'prism'; source_table: string; source_id: string; imported_at: string }>;
  legacy: Record<string, unknown> | null;
  team?: Array<{ student_id: string; legacy: Record<string, unknown> | null }>;
};

const sourceName = { cultus: 'cultus-platform', prism: 'PrismWorklet' };

/**
 * For admins: where a row came from when `npm run import` brought it over, and what its source had
 * that no field here holds (docs/import.md). Nothing for rows created here, or for other roles.
 */
export function ImportedData({ table, id }: { table: 'users' | 'worklets' | 'job_readiness_expert_sessions'; id: string }) {
  const me = useMe();
  const isAdmin = me.data?.role === 'admin';
  const record = useQuery({
    queryKey: ['imported', table, id],
    queryFn: async () => (await api<{ imported: ImportedRecord }>(`/api/admin/imported/${table}/${id}`)).imported,
    enabled: isAdmin,
  });
  const imported = record.data;
  if (!imported?.sources.length) return null;
  const from = imported.sources[0]!;
  const sourceRows = imported.sources.map((source) => `${source.source_table} ${source.source_id}`).join(', ');
  const kept = { ...imported.legacy, ...(imported.team?.length ? { team: imported.team } : {}) };
  return (
    <Accordion variant="contained">
      <Accordion.Item value="imported">
        <Accordion.Control>Imported data</Accordion.Control>
        <Accordion.Panel>
          <Text size="sm" c="dimmed" mb="xs">
            From {sourceName[from.source]}, {sourceRows}; imported {new Date(from.imported_at).toLocaleString()}.
          </Text>
          <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {JSON.stringify(kept, null, 2)}
          </Code>
        </Accordion.Panel>
      </Accordion.Item>
    </Accordion>
  );
}
