// The public-API report of one package: every symbol its src/index.ts exports, with the type
// signature a consumer sees (public members only). Written with the TypeScript compiler API of
// the project's own TypeScript (see docs/adr/0005), so it needs no build and no second compiler.
import ts from 'typescript';

const FORMAT = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;

export function renderPublicApiReport(model, pkg) {
  const { checker } = model;
  const lines = [
    `# Public API of \`${pkg.name}\``,
    '',
    `<!-- Generated from ${pkg.dir}/${pkg.source ?? 'src/index.ts'} by \`npm run api:report\`. Do not edit: a change to the`,
    '     exported surface fails `npm test` until this report is regenerated and reviewed. -->',
    '',
    '```ts',
  ];
  for (const { name, kind, symbol } of pkg.exports) {
    lines.push(...describe(checker, name, kind, symbol), '');
  }
  if (lines.at(-1) === '') lines.pop();
  lines.push('```', '');
  return lines.join('\n');
}

function describe(checker, name, kind, symbol) {
  const declaration = symbol.declarations?.[0];
  const typeString = (type) => stableUnions(checker.typeToString(type, declaration, FORMAT));
  const signature = (sig) => stableUnions(checker.signatureToString(sig, declaration, FORMAT));
  switch (kind) {
    case 'class': {
      const staticType = checker.getTypeOfSymbol(symbol);
      const instanceType = checker.getDeclaredTypeOfSymbol(symbol);
      const body = [
        ...checker.getSignaturesOfType(staticType, ts.SignatureKind.Construct).map((sig) => `  constructor${parameters(signature(sig))};`),
        ...members(checker, staticType, symbol, 'static ').filter((line) => !line.includes(' prototype')),
        ...members(checker, instanceType, symbol, ''),
      ];
      return [`export class ${name}${typeParameters(checker, instanceType, declaration)}${heritage(checker, instanceType, declaration, 'extends')} {`, ...body, '}'];
    }
    case 'interface': {
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      const params = typeParameters(checker, type, declaration);
      return [`export interface ${name}${params}${heritage(checker, type, declaration, 'extends')} {`, ...members(checker, type, symbol, ''), '}'];
    }
    case 'type': {
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      const aliased = declaration && ts.isTypeAliasDeclaration(declaration) ? declaration.type.getText() : typeString(type);
      const params = declaration?.typeParameters ? `<${declaration.typeParameters.map((p) => p.getText()).join(', ')}>` : '';
      return [`export type ${name}${params} = ${aliased.replace(/\s+/g, ' ')};`];
    }
    case 'function':
      return checker.getSignaturesOfType(checker.getTypeOfSymbol(symbol), ts.SignatureKind.Call).map((sig) => `export function ${name}${signature(sig)};`);
    case 'const':
      return [`export const ${name}: ${typeString(checker.getTypeOfSymbol(symbol))};`];
    default:
      return [`export ${kind} ${name};`];
  }
}

function typeParameters(checker, type, declaration) {
  const params = type.typeParameters ?? [];
  return params.length ? `<${params.map((p) => checker.typeToString(p, declaration, FORMAT)).join(', ')}>` : '';
}

function heritage(checker, type, declaration, keyword) {
  const bases = type.getBaseTypes?.() ?? [];
  return bases.length ? ` ${keyword} ${bases.map((base) => checker.typeToString(base, declaration, FORMAT)).join(', ')}` : '';
}

function parameters(signatureText) {
  // "<T>(a: A) => void" or "(a: A): void" -> "(a: A)": a class's type parameters belong to the
  // class line, not to its constructor.
  const open = signatureText.startsWith('<') ? closing(signatureText, 0, '<', '>') + 1 : 0;
  return signatureText.slice(open, closing(signatureText, open, '(', ')') + 1);
}

function closing(text, from, open, close) {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === open) depth++;
    if (text[i] === close && --depth === 0) return i;
  }
  return text.length - 1;
}

// Own members only: inherited ones (Error's, from @types/node) are the base type's API, shown by
// the `extends` clause, and would make the report change with a dependency upgrade.
function members(checker, type, owner, prefix) {
  const ownDeclarations = new Set(owner.declarations ?? []);
  const declaration = owner.declarations?.[0];
  const lines = [];
  for (const property of checker.getPropertiesOfType(type)) {
    const decl = property.valueDeclaration ?? property.declarations?.[0];
    const declaredHere = property.declarations?.some((d) => ownDeclarations.has(d.parent) || (ts.isParameter(d) && ownDeclarations.has(d.parent?.parent)));
    if (!declaredHere) continue;
    const modifiers = decl ? ts.getCombinedModifierFlags(decl) : 0;
    if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || property.name.startsWith('#') || property.name.startsWith('__')) continue;
    const readonly = modifiers & ts.ModifierFlags.Readonly ? 'readonly ' : '';
    const optional = property.flags & ts.SymbolFlags.Optional ? '?' : '';
    const propertyType = checker.getTypeOfSymbol(property);
    if (property.flags & ts.SymbolFlags.Method) {
      for (const sig of checker.getSignaturesOfType(propertyType, ts.SignatureKind.Call)) {
        lines.push(`  ${prefix}${property.name}${optional}${checker.signatureToString(sig, declaration, FORMAT)};`);
      }
    } else {
      lines.push(`  ${prefix}${readonly}${property.name}${optional}: ${stableUnions(checker.typeToString(propertyType, declaration, FORMAT))};`);
    }
  }
  return lines;
}

/**
 * TypeScript prints a union's members in the order their types were created, which changes when
 * another package joins the program (npm run new-module): sort the members of every union that is
 * a whole type or a whole parenthesised group, so a report changes only when its package does.
 */
export function stableUnions(text) {
  const CLOSE = { '(': ')', '[': ']', '{': '}', '<': '>' };
  const group = (from, close) => {
    const parts = [''];
    let i = from;
    while (i < text.length) {
      const c = text[i];
      if (c === close) return { parts, end: i };
      if (c === "'" || c === '"') {
        const end = text.indexOf(c, i + 1);
        parts[parts.length - 1] += text.slice(i, end + 1);
        i = end + 1;
      } else if (c === '=' && text[i + 1] === '>') {
        parts[parts.length - 1] += '=>';
        i += 2;
      } else if (CLOSE[c]) {
        const inner = group(i + 1, CLOSE[c]);
        parts[parts.length - 1] += c + join(inner.parts) + CLOSE[c];
        i = inner.end + 1;
      } else if (text.startsWith(' | ', i)) {
        parts.push('');
        i += 3;
      } else {
        parts[parts.length - 1] += c;
        i++;
      }
    }
    return { parts, end: i };
  };
  // Members of an object type or a parameter list (a ':' or ';' outside brackets) keep their order.
  // Literal unions ('pending' | 'delivered') keep their declared order.
  const sortable = (parts) => parts.length > 1 && !parts.some((p) => /^[^'"]*[:;,]/.test(p)) && !parts.every((p) => /^(['"].*['"]|-?\d+(\.\d+)?|true|false)$/.test(p));
  const rank = (part) => (part === 'null' || part === 'undefined' ? `~${part}` : part); // `string | null`, as people write it
  const join = (parts) => (sortable(parts) ? [...parts].sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0)) : parts).join(' | ');
  try {
    return join(group(0, undefined).parts);
  } catch {
    return text;
  }
}
