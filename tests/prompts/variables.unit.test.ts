import { describe, expect, it } from 'vitest';
import {
  extractVariables,
  fillPrompt,
  MissingVariablesError,
} from '../../functions/prompts/variables';

describe('prompt variables', () => {
  it('lists distinct names in order of first appearance, trimmed', () => {
    expect(
      extractVariables('Write to {{ company }} about {{product}}; sign as {{company}}.'),
    ).toEqual(['company', 'product']);
    expect(extractVariables('{{  target audience  }} and {{tone_2}} and {{x-y}}')).toEqual([
      'target audience',
      'tone_2',
      'x-y',
    ]);
    expect(extractVariables('Résume en {{durée}} points')).toEqual(['durée']);
  });

  it('ignores text that is not a valid placeholder', () => {
    expect(
      extractVariables('{{}} {{ }} {single} {{a.b}} {{a/b}} {{{{}}}} {{ok}} {{ trailing'),
    ).toEqual(['ok']);
    expect(extractVariables('no variables here')).toEqual([]);
  });

  it('fills every occurrence, with spacing variants, in one pass', () => {
    const body = 'Dear {{ name }}, {{name}} works at {{company}}.';
    expect(fillPrompt(body, { name: 'Ada', company: '{{name}} Ltd' })).toBe(
      'Dear Ada, Ada works at {{name}} Ltd.',
    );
    expect(fillPrompt('Tone: {{tone}}', { tone: '' })).toBe('Tone: ');
    expect(fillPrompt('Cost: {{price}}', { price: '$& $1' })).toBe('Cost: $& $1');
    expect(fillPrompt('No variables.', {})).toBe('No variables.');
  });

  it('fails naming every missing variable', () => {
    const run = () => fillPrompt('{{a}} {{b}} {{c}} {{a}}', { b: 'set' });
    expect(run).toThrow(MissingVariablesError);
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(MissingVariablesError);
      expect((error as MissingVariablesError).missing).toEqual(['a', 'c']);
      expect((error as Error).message).toBe('Missing value for {{a}}, {{c}}');
    }
  });

  it('does not treat inherited properties as values', () => {
    expect(() => fillPrompt('{{constructor}} {{toString}}', {})).toThrow(MissingVariablesError);
  });
});
