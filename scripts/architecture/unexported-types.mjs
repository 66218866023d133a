// Every type a public signature names must itself be public. A report line such as
// `add(order: Order)` with `Order` not exported promises consumers something they cannot name,
// and it is how internals leak into a public face. This walks each exported symbol's public
// signature (as ./public-api-report.mjs shows it) and lists the named types (interfaces, classes,
// type aliases, enums) declared in the repository's own packages that no public entry exports.
// Types from node_modules (NestJS, TypeORM, Node) are outside this rule.
import { relative } from 'node:path';
import ts from 'typescript';

/**
 * @returns {{ entry: string, exported: string, type: string, declaredIn: string }[]}
 */
export function unexportedTypes(model) {
  const { checker, root } = model;
  const entries = model.packages.flatMap((pkg) => [pkg, ...pkg.subEntries]);
  const exported = new Set(entries.flatMap((entry) => entry.exports.map((e) => e.symbol)));
  const problems = [];
  for (const entry of entries) {
    for (const { name, kind, symbol } of entry.exports) {
      for (const named of namedTypesOf(checker, kind, symbol)) {
        if (exported.has(named)) continue;
        const file = named.declarations?.[0]?.getSourceFile().fileName ?? '';
        const path = relative(root, file).split('\\').join('/');
        if (!/^(packages|apps)\//.test(path)) continue; // node_modules, TypeScript's lib
        problems.push({ entry: entry.name, exported: name, type: named.name, declaredIn: path });
      }
    }
  }
  const seen = new Set();
  return problems.filter((p) => {
    const key = `${p.entry} ${p.exported} ${p.type}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

export function renderUnexportedTypes(problems) {
  const lines = [`public API: ${problems.length} public signature${problems.length === 1 ? ' names a type' : 's name types'} that no public entry exports`];
  for (const p of problems) {
    lines.push(`  ${p.entry}: ${p.exported} names ${p.type} (${p.declaredIn})`);
  }
  lines.push('Export the type from the package\'s src/index.ts if consumers may rely on it (it becomes a contract), or keep it out of the public signature.');
  return lines.join('\n');
}

/** The named types an exported symbol's public signature mentions, in order of appearance. */
function namedTypesOf(checker, kind, symbol) {
  const found = [];
  const visited = new Set();
  const note = (named) => {
    if (named && named !== symbol && !found.includes(named)) found.push(named);
  };
  const walkSignature = (signature) => {
    for (const parameter of signature.getParameters()) walk(checker.getTypeOfSymbol(parameter));
    walk(checker.getReturnTypeOfSignature(signature));
  };
  const walkMembers = (type, owner) => {
    const ownDeclarations = new Set(owner.declarations ?? []);
    for (const property of checker.getPropertiesOfType(type)) {
      const declaredHere = property.declarations?.some((d) => ownDeclarations.has(d.parent) || (ts.isParameter(d) && ownDeclarations.has(d.parent?.parent)));
      if (!declaredHere) continue;
      const decl = property.valueDeclaration ?? property.declarations?.[0];
      const modifiers = decl ? ts.getCombinedModifierFlags(decl) : 0;
      if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || property.name.startsWith('#') || property.name === 'prototype') continue;
      walk(checker.getTypeOfSymbol(property));
    }
  };
  const walk = (type) => {
    if (!type || visited.has(type)) return;
    visited.add(type);
    if (type.flags & ts.TypeFlags.TypeParameter) return;
    if (type.aliasSymbol) {
      note(type.aliasSymbol);
      for (const argument of type.aliasTypeArguments ?? []) walk(argument);
      return;
    }
    if (type.flags & ts.TypeFlags.UnionOrIntersection) {
      for (const member of type.types) walk(member);
      return;
    }
    if (!(type.flags & ts.TypeFlags.Object)) {
      if (type.flags & ts.TypeFlags.EnumLiteral && type.symbol) note(type.symbol.parent ?? type.symbol);
      return;
    }
    const named = type.symbol && type.symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.Enum) ? type.symbol : undefined;
    if (named) {
      note(named);
      if (type.objectFlags & ts.ObjectFlags.Reference) for (const argument of checker.getTypeArguments(type)) walk(argument);
      return;
    }
    // An anonymous shape (object literal type, function type): what it is made of.
    for (const property of checker.getPropertiesOfType(type)) walk(checker.getTypeOfSymbol(property));
    for (const signature of [...type.getCallSignatures(), ...type.getConstructSignatures()]) walkSignature(signature);
  };

  switch (kind) {
    case 'class': {
      const staticType = checker.getTypeOfSymbol(symbol);
      const instanceType = checker.getDeclaredTypeOfSymbol(symbol);
      for (const signature of staticType.getConstructSignatures()) walkSignature(signature);
      walkMembers(staticType, symbol);
      walkMembers(instanceType, symbol);
      for (const base of instanceType.getBaseTypes?.() ?? []) walk(base);
      break;
    }
    case 'interface': {
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      walkMembers(type, symbol);
      for (const base of type.getBaseTypes?.() ?? []) walk(base);
      break;
    }
    case 'type': {
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      visited.add(type);
      if (type.flags & ts.TypeFlags.UnionOrIntersection) for (const member of type.types) walk(member);
      else if (type.flags & ts.TypeFlags.Object) {
        for (const property of checker.getPropertiesOfType(type)) walk(checker.getTypeOfSymbol(property));
        for (const signature of [...type.getCallSignatures(), ...type.getConstructSignatures()]) walkSignature(signature);
      }
      break;
    }
    case 'function':
      for (const signature of checker.getTypeOfSymbol(symbol).getCallSignatures()) walkSignature(signature);
      break;
    case 'const':
      walk(checker.getTypeOfSymbol(symbol));
      break;
    default:
      break;
  }
  return found;
}
