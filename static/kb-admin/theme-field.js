"use strict";
// The column form's themes (articles/forms.py, ThemeSelect): Django's select2
// autocomplete of the existing themes, in which an editor can also add a new theme
// by typing it and pressing Enter (or a comma). Every option's value is the theme's
// name; the server makes new names into themes when the column is saved.
{
    const $ = django.jQuery;

    const themeName = (text) => text.trim().replace(/\s+/g, " ").toLowerCase();

    function setUp(element) {
        $(element).select2({
            tags: true,
            tokenSeparators: [","],
            width: "100%",
            ajax: {
                data: (params) => ({
                    term: params.term,
                    page: params.page,
                    app_label: element.dataset.appLabel,
                    model_name: element.dataset.modelName,
                    field_name: element.dataset.fieldName,
                }),
                // The autocomplete answers with ids; the field works with names.
                processResults: (data) => ({
                    results: data.results.map((theme) => ({id: theme.text, text: theme.text})),
                    pagination: data.pagination,
                }),
            },
            createTag: (params) => {
                const name = themeName(params.term);
                return name ? {id: name, text: name, isNew: true} : null;
            },
            // The new theme comes after the existing ones that match, and only when
            // none of them has exactly that name.
            insertTag: (results, tag) => {
                if (!results.some((theme) => theme.text === tag.text)) {
                    results.push(tag);
                }
            },
            templateResult: (theme) => (theme.isNew ? `Nieuw thema: ${theme.text}` : theme.text),
        });
    }

    $(function () {
        document.querySelectorAll("select.theme-autocomplete").forEach(setUp);
    });
}
