import { describe, expect, it } from 'vitest';
import { BUILTIN_AGENTS, findBuiltin } from '../../functions/agents/builtins';
import { AGENT_LIMITS } from '../../functions/agents/schemas';

describe('built-in agents', () => {
  it('ships the eight specialists, each with a unique key', () => {
    expect(BUILTIN_AGENTS.map((agent) => agent.key)).toEqual([
      'sales',
      'marketing',
      'finance',
      'legal',
      'hr',
      'support',
      'developer',
      'copywriter',
    ]);
  });

  it.each(BUILTIN_AGENTS.map((agent) => [agent.key, agent] as const))(
    '%s has substantial, distinct instructions in French and English',
    (_key, agent) => {
      for (const locale of ['fr', 'en'] as const) {
        const text = agent[locale];
        const lines = text.systemPrompt.split('\n');
        expect(lines.length).toBeGreaterThanOrEqual(8);
        expect(lines.length).toBeLessThanOrEqual(15);
        expect(lines.every((line) => line.trim().length > 20)).toBe(true);
        expect(text.name.length).toBeGreaterThan(0);
        expect(text.name.length).toBeLessThanOrEqual(AGENT_LIMITS.name);
        expect(text.description.length).toBeGreaterThan(10);
        expect(text.systemPrompt.length).toBeLessThanOrEqual(AGENT_LIMITS.systemPrompt);
        // Each one says what to do when information is missing.
        expect(text.systemPrompt).toMatch(locale === 'fr' ? /demande|manque/i : /missing|ask/i);
      }
      expect(agent.fr.systemPrompt).not.toBe(agent.en.systemPrompt);
      expect(agent.fr.name).not.toBe('');
      expect([...agent.icon].length).toBeLessThanOrEqual(AGENT_LIMITS.icon);
      expect(agent.temperature).toBeGreaterThanOrEqual(0);
      expect(agent.temperature).toBeLessThanOrEqual(2);
    },
  );

  it('finds built-ins only by their full "builtin:<key>" id', () => {
    expect(findBuiltin('builtin:legal')?.key).toBe('legal');
    expect(findBuiltin('legal')).toBeUndefined();
    expect(findBuiltin('builtin:')).toBeUndefined();
    expect(findBuiltin('builtin:toString')).toBeUndefined();
    expect(findBuiltin('builtin:LEGAL')).toBeUndefined();
  });

  it('marks advice limits where the domain needs them', () => {
    const legal = BUILTIN_AGENTS.find((agent) => agent.key === 'legal');
    expect(legal?.en.systemPrompt).toContain('not legal advice');
    expect(legal?.fr.systemPrompt).toContain('non d’un conseil juridique');
  });
});
