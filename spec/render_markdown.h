// spec/render_markdown.h — the constraint catalogue as Markdown: one table per operator (id,
// check stage, layer, expected result, platforms, rule text, citation), in check order.
// `mc2conf spec --markdown` prints it.
#ifndef MC2_SPEC_RENDER_MARKDOWN_H_
#define MC2_SPEC_RENDER_MARKDOWN_H_

#include <string>

namespace mc2::spec {

std::string RenderMarkdown();

}  // namespace mc2::spec

#endif  // MC2_SPEC_RENDER_MARKDOWN_H_
